package dev.scanflow.server.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.scanflow.server.history.HistoryUnavailable;
import java.sql.SQLException;
import org.junit.jupiter.api.Test;

class ApiErrorsTest {

    private final ApiErrors errors = new ApiErrors();

    @Test
    void anApiErrorIsFoundInsideWhateverWrapsIt() {
        ApiErrors.Body body = errors.of(new RuntimeException("bean expression failed",
                new IllegalStateException("invocation", ApiError.notFound("no alert 7"))));
        assertEquals(new ApiErrors.Body(404, "Not Found", "no alert 7"), body);
        assertEquals(new ApiErrors.Body(409, "Conflict", "already resolved"), errors.of(new ApiError(409, "already resolved")));
    }

    @Test
    void aDatabaseFailureIs503AndAnythingElse500WithoutItsInsides() {
        assertEquals(503, errors.of(new HistoryUnavailable("reading alerts", new SQLException("Connection refused"))).status());
        ApiErrors.Body internal = errors.of(new NullPointerException("Cannot invoke \"secret.Thing.x()\""));
        assertEquals(new ApiErrors.Body(500, "Internal Server Error", "internal error"), internal);
        assertFalse(internal.message().contains("secret"));
    }
}
