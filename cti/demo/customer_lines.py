"""What the demo's simulated customers write: subjects, first lines and answers, by channel.

Plain, everyday contact-centre requests, so the cards look like a real day's work. One
entry of each list has markup in it: the desktop and the widget must show it as text.
"""

from __future__ import annotations

EMAIL_TOPICS: tuple[tuple[str, str], ...] = (
    (
        "Invoice 4711 looks wrong",
        "Hello,\n\nmy last invoice charges me twice for May. Could you check it?\n\nThanks",
    ),
    (
        "Change of address",
        "Hi,\n\nwe moved. Please send everything to the new address "
        "from next month on.\n\nBest regards",
    ),
    (
        "Order not arrived",
        "Good morning,\n\nI ordered ten days ago and nothing has "
        "arrived yet. Can you tell me where it is?",
    ),
    (
        "Cancel my subscription",
        "Hello,\n\nplease cancel my subscription at the end of this month and confirm by mail.",
    ),
    (
        "Password reset does not work",
        "Hi,\n\nthe reset link in your mail says it has expired, every time. What can I do?",
    ),
    (
        "Question about <b>pricing</b>",
        "Hello,\n\nis the <b>business</b> plan billed per seat or per site?\n\nKind regards",
    ),
)

EMAIL_FOLLOW_UPS: tuple[str, ...] = (
    "Hello again,\n\nany news on this? I have not heard back yet.",
    "Thanks for the answer. One more thing: can I get that in writing?",
    "Sorry, I forgot to add my customer number: 20-4471.",
)

CHAT_OPENINGS: tuple[str, ...] = (
    "Hi, is anyone there?",
    "Hello! I have a question about my order.",
    "Hi, my internet has been down since this morning.",
    "Good afternoon, can I change my delivery date?",
    "Hey, how do I update my card details?",
    "Hi <script>alert(1)</script> is this thing on?",
)

CHAT_ANSWERS: tuple[str, ...] = (
    "Thanks! The order number is 55-1209.",
    "Yes, that is the one.",
    "Ok, I will try that now.",
    "It is registered to this email address.",
    "Great, that worked.",
)

CHAT_GOODBYES: tuple[str, ...] = (
    "Perfect, thank you for your help. Bye!",
    "Thanks a lot, have a nice day.",
    "All clear now, thanks.",
)

FORM_TOPICS: tuple[tuple[str, str], ...] = (
    ("Call back request", "Please call me back tomorrow morning about my contract."),
    ("Quote", "We would like a quote for 25 seats, billed yearly."),
    ("Complaint", "The technician did not come on Tuesday as agreed."),
    ("Newsletter", "Please remove me from the newsletter."),
)

UNKNOWN_NAMES: tuple[str, ...] = (
    "Robin Vale",
    "Sasha Brook",
    "Kim Ortega",
    "Noor Haddad",
    "Alex Moreau",
)
