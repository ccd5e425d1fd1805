import os

from flask import Flask, jsonify, request

app = Flask(__name__)


@app.get("/")
def index():
    return '<h1>Hello from Flask</h1><p>Try <a href="/api/hello?name=PairPad">/api/hello</a>.</p>'


@app.get("/api/hello")
def hello():
    return jsonify(message=f"Hello, {request.args.get('name', 'world')}!")


if __name__ == "__main__":
    # The reloader restarts the server when a file changes (edits arrive as they are typed); the
    # interactive debugger stays off: an error shows as a 500 and its traceback in the room's console.
    app.run(host="127.0.0.1", port=int(os.environ.get("PORT", "5000")), debug=True, use_debugger=False)
