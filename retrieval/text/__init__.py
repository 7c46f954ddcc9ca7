"""Text stage: how text becomes words, terms and sentences, for sources and questions alike.

tokenize.py   the one tokenizer (Unicode words, stopwords, Snowball stems, clean_text)
stopwords.py  stopword lists and question frames
sentences.py  sentence boundaries that keep every character of the original
repeats.py    text folded for repeat detection
"""
