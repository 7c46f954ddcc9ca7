"""bot: everything about Telegram and the command line; the text work is retrieval's.

config.py loads the settings, app.py wires the python-telegram-bot Application, handlers/
holds the handlers by feature, render_html.py and render_terminal.py draw what the Library
returns, cli.py is the `sourcebot` command. It imports only retrieval's public API.
"""
