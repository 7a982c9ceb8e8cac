"""What keeps one request from slowing, starving or changing the server for the others.

    body_limits       every body bounded while it streams in: uploads by CONVSCOPE_MAX_UPLOAD_BYTES,
                      everything else (JSON) by CONVSCOPE_MAX_JSON_BYTES; 413 naming the limit
    json_body         JSON parsed in a worker thread, never on the event loop; nesting bounded;
                      NaN, Infinity and overflowing numbers refused as 422s
    rendered_answers  answers dumped to JSON in the worker thread too
    uploads           a multipart body's file found in a worker thread
    work_slots        at most a few requests decode images, or run the engine, at once; a few more
                      wait their turn briefly, the rest get a 503 with Retry-After
    event_loop        what `convscope serve` does so the loop's thread wins the GIL and a core:
                      a 1 ms switch interval, worker threads at nice 10, the start-up heap frozen
    large_answers     large answers sent in slices
    origin            no state-changing request (or WebSocket) from another site
    slow_clients      a header and body timeout and connection caps, in uvicorn's own protocol
"""
