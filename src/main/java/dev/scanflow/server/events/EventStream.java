package dev.scanflow.server.events;

import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArraySet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server's live event stream (Server-Sent Events) for dashboards: every event published to
 * {@code bean:eventStream?method=publish} goes to each connected client as one {@code data:} line.
 * Slow clients whose write queue fills up are dropped rather than buffered without bound.
 */
public class EventStream {

    private static final Logger LOG = LoggerFactory.getLogger(EventStream.class);

    private final int maxClients;
    private final Set<HttpServerResponse> clients = new CopyOnWriteArraySet<>();

    public EventStream(int maxClients) {
        this.maxClients = maxClients;
    }

    /** Vert.x handler for GET /api/v1/events; the caller has checked access already. */
    public void open(RoutingContext context) {
        HttpServerResponse response = context.response();
        if (clients.size() >= maxClients) {
            response.setStatusCode(503).putHeader("Content-Type", "application/json")
                    .end("{\"status\":503,\"error\":\"Service Unavailable\",\"message\":\"too many event stream clients\"}");
            return;
        }
        response.setChunked(true)
                .putHeader("Content-Type", "text/event-stream")
                .putHeader("Cache-Control", "no-cache")
                .putHeader("X-Accel-Buffering", "no");
        response.write(": connected\n\n");
        clients.add(response);
        response.closeHandler(ignored -> clients.remove(response));
        response.exceptionHandler(ignored -> clients.remove(response));
    }

    /** Sends one event, already in its JSON form, to every connected client. */
    public void publish(String eventJson) {
        String frame = "event: scanflow\ndata: " + eventJson.replace("\n", "") + "\n\n";
        for (HttpServerResponse client : clients) {
            if (client.closed() || client.writeQueueFull()) {
                clients.remove(client);
                LOG.warn("event stream client dropped: {}", client.closed() ? "closed" : "not reading fast enough");
                if (!client.closed()) {
                    client.reset();
                }
                continue;
            }
            client.write(frame);
        }
    }

    public int clientCount() {
        return clients.size();
    }
}
