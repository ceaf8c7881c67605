package dev.scanflow.demo;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WorkDirectoriesTest {

    @TempDir
    Path temp;

    @Test
    void deletesTheWholeTreeAndNothingBesideIt() throws Exception {
        Path root = Files.createDirectories(temp.resolve("work/data/ibdata"));
        Files.writeString(root.resolve("page"), "x");
        Files.writeString(temp.resolve("work/.hidden"), "x");
        Files.createDirectories(temp.resolve("work/empty"));
        Path beside = Files.writeString(temp.resolve("beside"), "kept");

        WorkDirectories.deleteTree(temp.resolve("work"));

        assertFalse(Files.exists(temp.resolve("work")), "the root and everything below it");
        assertTrue(Files.exists(beside), "only the tree given");
    }

    @Test
    void aTreeAlreadyGoneIsNoError() {
        // what a server that removed its own files while stopping leaves: nothing to walk
        assertDoesNotThrow(() -> WorkDirectories.deleteTree(temp.resolve("gone")));
    }
}
