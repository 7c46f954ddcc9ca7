"""Answer stage: questions in, quoted and cited answers and summaries out.

library.py    the Library facade: the one object the bot and the command line talk to
answers.py    the best passages for a question, the not-found rule, hits
quotes.py     the one to three sentences of a passage that best answer
spelling.py   correcting question words the sources never use
summaries.py  extractive summaries of a source, all sources or a topic
"""
