package dev.scanflow.server.phpipam;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class IdRunsTest {

    @Test
    void runsBecomeRangesAndLoneIdsOneInList() {
        assertEquals(List.of(new IdRuns("id BETWEEN ? AND ? OR id BETWEEN ? AND ? OR id IN (?,?)", List.of(5L, 7L, 11L, 12L, 9L, 20L))),
                IdRuns.of(new long[] {12, 5, 20, 6, 9, 7, 11, 6}, 1000));
    }

    @Test
    void aDenseChunkIsOneRange() {
        long[] ids = new long[3906];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = 62_501 + i;
        }
        assertEquals(List.of(new IdRuns("id BETWEEN ? AND ?", List.of(62_501L, 66_406L))), IdRuns.of(ids, 1000));
    }

    @Test
    void noIdsNoStatement() {
        assertEquals(List.of(), IdRuns.of(new long[0], 1000));
        assertThrows(IllegalArgumentException.class, () -> IdRuns.of(new long[] {1}, 1));
    }

    @Test
    void everyIdIsSelectedByExactlyOneClauseAndNoOtherIdIs() {
        Random random = new Random(7);
        for (int round = 0; round < 200; round++) {
            Set<Long> wanted = new TreeSet<>();
            int count = random.nextInt(3000);
            for (int i = 0; i < count; i++) {
                // sparse and dense stretches, as seen and unseen hosts interleave
                wanted.add((long) random.nextInt(random.nextBoolean() ? 4000 : 400_000));
            }
            int max = 2 + random.nextInt(50);
            List<IdRuns> clauses = IdRuns.of(wanted.stream().mapToLong(Long::longValue).toArray(), max);
            Set<Long> selected = new TreeSet<>();
            for (IdRuns clause : clauses) {
                assertTrue(clause.parameters().size() <= max, clause.where());
                for (long id : selectedBy(clause)) {
                    assertTrue(selected.add(id), "selected twice: " + id);
                }
            }
            assertEquals(wanted, selected);
        }
    }

    /** The ids the clause selects, read from its text as MariaDB would. */
    private static List<Long> selectedBy(IdRuns clause) {
        List<Long> ids = new java.util.ArrayList<>();
        int parameter = 0;
        Matcher term = Pattern.compile("id BETWEEN \\? AND \\?|id IN \\(([?,]+)\\)").matcher(clause.where());
        while (term.find()) {
            if (term.group(1) == null) {
                for (long id = clause.parameters().get(parameter); id <= clause.parameters().get(parameter + 1); id++) {
                    ids.add(id);
                }
                parameter += 2;
            } else {
                int values = term.group(1).split(",").length;
                for (int i = 0; i < values; i++) {
                    ids.add(clause.parameters().get(parameter++));
                }
            }
        }
        assertEquals(clause.parameters().size(), parameter, "every parameter used: " + clause.where());
        return ids;
    }
}
