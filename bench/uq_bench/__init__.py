"""Parts of bench/universal_queue.py: the server's config, the agents, the customers
(chat visitors, web form posts, mail APPENDed over IMAP) and the mailbox, each in its own
process where it would run on its own machine."""
