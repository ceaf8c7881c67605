package dev.scanflow.server.api;

/** A refused or impossible API request, with its HTTP status; the api-errors routeConfiguration answers it. */
public class ApiError extends RuntimeException {

    private final int status;

    public ApiError(int status, String message) {
        super(message, null, false, false);
        this.status = status;
    }

    public static ApiError notFound(String message) {
        return new ApiError(404, message);
    }

    public static ApiError badRequest(String message) {
        return new ApiError(400, message);
    }

    public int getStatus() {
        return status;
    }
}
