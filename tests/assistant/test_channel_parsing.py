"""The REST channel's request validation, without a server."""

from __future__ import annotations

import json

import pytest

from assistant.channels.rest import InvalidRequest, parse_request_body


def body(**fields) -> bytes:
    return json.dumps(fields).encode()


def test_a_valid_request_is_parsed_and_cleaned() -> None:
    incoming = parse_request_body(body(sender=" web-1 ", message="  hi\u0000 there\n", metadata={"locale": "en-GB"}))
    assert (incoming.sender, incoming.text, incoming.metadata) == ("web-1", "hi there", {"locale": "en-GB"})


@pytest.mark.parametrize(
    ("raw", "status", "says"),
    [
        (b"", 400, "empty"),
        (b"   ", 400, "empty"),
        (b"\x80\x81", 400, "not UTF-8"),
        (b'{"sender": "x", "message": "hi"', 400, "not valid JSON"),
        (b'"just a string"', 400, "JSON object"),
        (body(sender="", message="hi"), 400, '"sender" is required'),
        (body(sender="x" * 200, message="hi"), 400, "longer than 128"),
        (body(sender="x", message="\u0000\u0007"), 400, '"message" is empty'),
        (body(sender="x", message="a" * 2001), 413, "2001 characters; the limit is 2000"),
        (b"x" * 20000, 413, "too large"),
        (body(sender="x", message="hi", metadata=[1]), 400, '"metadata" must be'),
    ],
)
def test_bad_requests_are_refused_with_a_clear_error(raw: bytes, status: int, says: str) -> None:
    with pytest.raises(InvalidRequest) as error:
        parse_request_body(raw)
    assert error.value.status == status
    assert says in error.value.message
