"""The smallest bot: plain lines (``protocol = "lines"``). Each line printed is something said."""

import re
import sys

print("Thanks for calling the library.", flush=True)
print("For opening hours, press 1. To renew a book, press 2.", flush=True)
for line in sys.stdin:
    if "[press 1]" in line:
        print("We are open nine to five, Monday to Saturday. Anything else?", flush=True)
    elif "[press 2]" in line:
        print("Please say the title of the book.", flush=True)
    elif re.search(r"\b(no|bye)\b", line.lower()):
        print("Goodbye.", flush=True)
        break
    else:
        print("Sorry, I did not get that. For opening hours, press 1.", flush=True)
