package dev.scanflow.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Every document README.md and docs/ link to is in the repository: a clone has no ../shared/. */
class DocumentLinksTest {

    private static final Path HOME = Path.of(".").toAbsolutePath().normalize();
    private static final Pattern LINK = Pattern.compile("\\]\\(([^)#\\s]+)(#[^)]*)?\\)");

    @Test
    void everyRelativeLinkResolvesInsideTheRepository() throws IOException {
        List<Path> documents = new ArrayList<>(List.of(HOME.resolve("README.md")));
        try (Stream<Path> docs = Files.list(HOME.resolve("docs"))) {
            docs.filter(p -> p.toString().endsWith(".md")).forEach(documents::add);
        }
        List<String> broken = new ArrayList<>();
        int links = 0;
        for (Path document : documents) {
            Matcher link = LINK.matcher(Files.readString(document));
            while (link.find()) {
                String target = link.group(1);
                if (target.matches("[a-z]+:.*")) {
                    continue; // http(s) and mailto links
                }
                links++;
                Path resolved = document.getParent().resolve(target).normalize();
                if (!resolved.startsWith(HOME) || !Files.exists(resolved)) {
                    broken.add(HOME.relativize(document) + " -> " + target);
                }
            }
            assertTrue(!Files.readString(document).contains("../shared/"), document + " points at ../shared/");
        }
        assertTrue(links >= 5, "links checked: " + links);
        assertEquals(List.of(), broken);
    }
}
