package dev.scanflow.demo;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;

/** Removes the working directory of an embedded service (MariaDB, Kafka, the demo's spool) once it has stopped. */
public final class WorkDirectories {

    private WorkDirectories() {
    }

    /**
     * Deletes {@code root} and everything below it, each entry as far as it can be (as {@link java.io.File#delete}).
     * An entry that is gone before it is reached counts as deleted: a stopping server may still remove its own
     * temporary files while the tree is walked, and a walk with {@code Files.walk} then fails midway with an
     * UncheckedIOException (seen at a benchmark's exit, with MariaDB's tmp directory).
     *
     * @throws IOException when a directory cannot be read for another reason
     */
    public static void deleteTree(Path root) throws IOException {
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) {
                file.toFile().delete();
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException failure) throws IOException {
                if (failure instanceof NoSuchFileException) {
                    return FileVisitResult.CONTINUE;
                }
                throw failure;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path directory, IOException failure) throws IOException {
                if (failure != null && !(failure instanceof NoSuchFileException)) {
                    throw failure;
                }
                directory.toFile().delete();
                return FileVisitResult.CONTINUE;
            }
        });
    }
}
