"""Twisted Web's "custom response codes" example, in httpx_views.

Twisted's resource at ``/buy`` sets code 402 on the request and returns a
message. Here the view does the same through ``request.response``; the second
view shows the other idiom, raising the HTTP exception::

    $ httpx-views serve examples/payment_required.py
    $ curl -i http://127.0.0.1:8880/buy
    HTTP/1.1 402 Payment Required
    ...
    Please swipe your credit card.
"""

from httpx_views import App, HTTPPaymentRequired, Request

app = App()


@app.route("/buy", methods=["GET"])
def buy(request: Request) -> str:
    """Set the status on the response, return the body (Twisted's way)."""
    request.response.status_code = 402
    return "Please swipe your credit card."


@app.route("/checkout", methods=["GET"])
def checkout(request: Request) -> None:
    """Raise the exception: it is the response, its body negotiated."""
    raise HTTPPaymentRequired(detail="Please swipe your credit card.")
