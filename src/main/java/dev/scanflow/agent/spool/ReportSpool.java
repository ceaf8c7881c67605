package dev.scanflow.agent.spool;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The agent's durable outbox: every report is written here before anything tries to send it, and leaves only
 * when the server acknowledged it ({@link #acknowledge}) or refused it for good ({@link #poison}).
 *
 * <p>On disk: {@code outbox/<sequence>-<report id>.json}, where the sequence (microseconds since the epoch,
 * strictly increasing, also across restarts) makes the file names sort oldest first. A report is written to
 * {@code incoming/}, forced to disk, renamed atomically into {@code outbox/} and the directory forced too, so
 * a crash or kill -9 at any moment leaves either the whole report in the outbox or nothing there; what a
 * crash leaves in {@code incoming/} is removed at the next start (that report was never acknowledged to the
 * scan that made it). Refused reports go to {@code poison/} beside the server's reply.
 *
 * <p>Its size limit gates scans ({@link #isFull}); a report already made is always kept.
 */
public final class ReportSpool {

    private static final Pattern NAME = Pattern.compile("(\\d{20})-([0-9a-fA-F-]{36})\\.json");

    private final Path outbox;
    private final Path incoming;
    private final Path poison;
    private final long maxBytes;
    private final Clock clock;
    private final AtomicLong lastSequence = new AtomicLong();

    public ReportSpool(Path dir, long maxBytes, Clock clock) {
        this.outbox = dir.resolve("outbox");
        this.incoming = dir.resolve("incoming");
        this.poison = dir.resolve("poison");
        this.maxBytes = maxBytes;
        this.clock = clock;
        try {
            Files.createDirectories(outbox);
            Files.createDirectories(incoming);
            Files.createDirectories(poison);
            // half-written reports of a crashed run: never in the outbox, never sent
            try (Stream<Path> partial = Files.list(incoming)) {
                for (Path file : partial.toList()) {
                    Files.deleteIfExists(file);
                }
            }
            waiting().stream().reduce((first, last) -> last)
                    .ifPresent(newest -> lastSequence.set(newest.sequence()));
        } catch (IOException e) {
            throw new UncheckedIOException("spool directory " + dir + " cannot be used", e);
        }
    }

    /** Writes a report durably; returns once it is on disk under its final name. */
    public SpooledReport store(String reportId, byte[] json) throws IOException {
        long sequence = lastSequence.updateAndGet(last -> Math.max(last + 1, micros(clock.instant())));
        String name = String.format("%020d-%s.json", sequence, reportId);
        Path temporary = incoming.resolve(name);
        try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            ByteBuffer buffer = ByteBuffer.wrap(json);
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
            channel.force(true);
        } catch (IOException e) {
            // a full disk: nothing half-written stays behind
            Files.deleteIfExists(temporary);
            throw e;
        }
        Path target = outbox.resolve(name);
        Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE);
        forceDirectory(outbox);
        return SpooledReport.of(target, sequence, reportId);
    }

    /** The reports waiting, oldest first. */
    public List<SpooledReport> waiting() {
        try (Stream<Path> files = Files.list(outbox)) {
            return files.map(ReportSpool::parse).flatMap(Optional::stream)
                    .sorted(java.util.Comparator.comparingLong(SpooledReport::sequence)).toList();
        } catch (IOException e) {
            throw new UncheckedIOException("reading the spool " + outbox, e);
        }
    }

    public Optional<SpooledReport> oldest() {
        return waiting().stream().findFirst();
    }

    /** The server has it: the report leaves the spool. */
    public void acknowledge(SpooledReport report) throws IOException {
        Files.deleteIfExists(report.file());
        forceDirectory(outbox);
    }

    /** The server refused it for good: kept in poison/ with the reply, out of the way of the reports behind it. */
    public Path poison(SpooledReport report, int status, String reply) throws IOException {
        Path target = poison.resolve(report.file().getFileName());
        String name = report.file().getFileName().toString();
        Path replyFile = poison.resolve(name.substring(0, name.length() - ".json".length()) + ".reply.txt");
        Files.writeString(replyFile, "HTTP " + status + "\n" + (reply == null ? "" : reply) + "\n", StandardCharsets.UTF_8);
        Files.move(report.file(), target, StandardCopyOption.ATOMIC_MOVE);
        forceDirectory(poison);
        forceDirectory(outbox);
        return target;
    }

    /** Count, age of the oldest and bytes of the reports waiting. */
    public Backlog backlog() {
        List<SpooledReport> waiting = waiting();
        long bytes = 0;
        for (SpooledReport report : waiting) {
            try {
                bytes += Files.size(report.file());
            } catch (IOException e) {
                // acknowledged meanwhile: no longer waiting
            }
        }
        Duration oldest = waiting.isEmpty() ? Duration.ZERO
                : Duration.between(waiting.get(0).spooledAt(), clock.instant());
        return new Backlog(waiting.size(), oldest.isNegative() ? Duration.ZERO : oldest, bytes);
    }

    /** Whether the reports waiting have reached the size limit: new scans are skipped until they drain. */
    public boolean isFull() {
        return backlog().bytes() >= maxBytes;
    }

    public long maxBytes() {
        return maxBytes;
    }

    public Path poisonDirectory() {
        return poison;
    }

    private static Optional<SpooledReport> parse(Path file) {
        Matcher matcher = NAME.matcher(file.getFileName().toString());
        if (!matcher.matches()) {
            return Optional.empty();
        }
        return Optional.of(SpooledReport.of(file, Long.parseLong(matcher.group(1)), matcher.group(2)));
    }

    static long micros(Instant instant) {
        return instant.getEpochSecond() * 1_000_000L + instant.getNano() / 1_000;
    }

    /** A rename is durable only once the directory holding it is forced too. */
    private static void forceDirectory(Path dir) throws IOException {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        }
    }
}
