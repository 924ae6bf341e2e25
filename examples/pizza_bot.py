"""Pizza Palace over JSON Lines: callersim starts this program for each call (``[bot] command``).

Each line on stdin is one of callersim's events; each line on stdout one of the bot's. The bot answers
every event with its events up to a ``listen`` (its turn is over), a ``hangup`` or a ``transfer``.
Anything on stderr goes to the call log.
"""

import json
import sys

from pizza_ivr import PizzaCall


def main() -> None:
    call = PizzaCall()
    for line in sys.stdin:
        event = json.loads(line)
        if event["type"] == "hangup":  # the caller hung up
            print(f"caller hung up at step {call.step}", file=sys.stderr)
            return
        answer = call.start(event) if event["type"] == "start" else call.handle(event)
        for out in answer:
            print(json.dumps(out), flush=True)
        if answer[-1]["type"] in ("hangup", "transfer"):
            return


if __name__ == "__main__":
    main()
