package org.cardiacatlas.cap.web;

/**
 * The one way a failure of an HTTP route travels to the dispatcher (WebServer): the status to
 * answer and the reason, which is logged and sent as the body (never a stack trace).
 */
public final class HttpFailure extends RuntimeException {

    private final int status;

    public HttpFailure(int status, String reason) {
        super(reason);
        this.status = status;
    }

    public HttpFailure(int status, String reason, Throwable cause) {
        super(reason, cause);
        this.status = status;
    }

    public int status() {
        return status;
    }

    public static HttpFailure badRequest(String reason) {
        return new HttpFailure(400, reason);
    }

    public static HttpFailure notFound(String reason) {
        return new HttpFailure(404, reason);
    }

    public static HttpFailure notAcceptable(String reason) {
        return new HttpFailure(406, reason);
    }
}
