package dev.scanflow.server.events;

import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server's live event stream (Server-Sent Events) for dashboards: every event published to
 * {@code bean:eventStream?method=publish} is numbered in the durable journal and goes to each connected client
 * as {@code id:} plus one {@code data:} line. A client that reconnects with {@code Last-Event-ID} first gets
 * every journalled event after that id, then the live ones: journalling with sending, and replaying with
 * joining, hold one lock, so no event falls between replay and live, and none comes twice.
 * A comment line every keep-alive interval keeps idle proxies from closing the stream; {@code retry:} tells
 * clients how long to wait before reconnecting. Slow clients whose write queue fills up are dropped (they
 * resume from their last id) rather than buffered without bound.
 */
public class EventStream implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EventStream.class);
    private static final int REPLAY_PAGE = 500;

    private final int maxClients;
    private final EventJournal journal;
    private final Duration retry;
    private final Set<HttpServerResponse> clients = new CopyOnWriteArraySet<>();
    private final Object order = new Object();
    private final ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "scanflow-event-stream");
        thread.setDaemon(true);
        return thread;
    });

    public EventStream(int maxClients, EventJournal journal, Duration keepAlive, Duration retry, Duration retention) {
        this.maxClients = maxClients;
        this.journal = journal;
        this.retry = retry;
        ticker.scheduleAtFixedRate(() -> send(": keep-alive\n\n"), keepAlive.toMillis(), keepAlive.toMillis(),
                TimeUnit.MILLISECONDS);
        ticker.scheduleAtFixedRate(() -> {
            try {
                journal.prune(retention);
            } catch (RuntimeException e) {
                LOG.warn("event journal not pruned: {}", e.getMessage());
            }
        }, 1, 60, TimeUnit.MINUTES);
    }

    /** Vert.x handler for GET /api/v1/events; the caller has checked access already. */
    public void open(RoutingContext context) {
        HttpServerResponse response = context.response();
        String lastEventId = context.request().getHeader("Last-Event-ID");
        long after;
        try {
            after = lastEventId == null || lastEventId.isBlank() ? -1 : Long.parseLong(lastEventId.strip());
            if (lastEventId != null && !lastEventId.isBlank() && after < 0) {
                throw new NumberFormatException();
            }
        } catch (NumberFormatException e) {
            response.setStatusCode(400).putHeader("Content-Type", "application/json")
                    .end("{\"status\":400,\"error\":\"Bad Request\",\"message\":\"Last-Event-ID: an event id from this stream is a whole number\"}");
            return;
        }
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
        response.write("retry: " + retry.toMillis() + "\n\n");
        // the replay reads the database: off the event loop
        context.vertx().executeBlocking(() -> {
            join(response, after);
            return null;
        }, false).onFailure(e -> {
            LOG.warn("event stream replay failed: {}", e.getMessage());
            response.reset();
        });
    }

    private void join(HttpServerResponse response, long after) {
        synchronized (order) {
            if (after >= 0) {
                long cursor = after;
                for (List<EventJournal.Entry> page = journal.after(cursor, REPLAY_PAGE); !page.isEmpty();
                     page = journal.after(cursor, REPLAY_PAGE)) {
                    for (EventJournal.Entry entry : page) {
                        response.write(frame(entry.id(), entry.json()));
                        cursor = entry.id();
                    }
                }
            }
            clients.add(response);
        }
        response.closeHandler(ignored -> clients.remove(response));
        response.exceptionHandler(ignored -> clients.remove(response));
        if (response.closed()) {
            clients.remove(response);
        }
    }

    /** Journals one event, already in its JSON form, and sends it to every connected client. */
    public void publish(String eventJson) {
        String json = eventJson.replace("\n", "").replace("\r", "");
        synchronized (order) {
            long id = journal.append(json);
            send(frame(id, json));
        }
    }

    private static String frame(long id, String json) {
        return "id: " + id + "\nevent: scanflow\ndata: " + json + "\n\n";
    }

    private void send(String frame) {
        for (HttpServerResponse client : clients) {
            if (client.closed() || client.writeQueueFull()) {
                clients.remove(client);
                LOG.warn("event stream client dropped: {}", client.closed() ? "closed" : "not reading fast enough");
                if (!client.closed()) {
                    client.reset();
                }
                continue;
            }
            try {
                client.write(frame);
            } catch (IllegalStateException closedMeanwhile) {
                clients.remove(client);
            }
        }
    }

    public int clientCount() {
        return clients.size();
    }

    @Override
    public void close() {
        ticker.shutdownNow();
    }
}
