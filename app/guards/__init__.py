"""What keeps one request from slowing, starving or changing the server for the others.

    body_limits     every body bounded while it streams in: uploads by CONVSCOPE_MAX_UPLOAD_BYTES,
                    everything else (JSON) by CONVSCOPE_MAX_JSON_BYTES; 413 naming the limit
    json_body       JSON parsed in a worker thread, never on the event loop; nesting bounded;
                    NaN, Infinity and overflowing numbers refused as 422s
    work_slots      at most a few requests decode images, or run the engine, at once; one more
                    is a 503 with Retry-After instead of a queue that eats memory
    origin          no state-changing request (or WebSocket) from another site
    slow_clients    a header and body timeout and connection caps, in uvicorn's own protocol
"""
