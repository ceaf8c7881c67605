package dev.scanflow.server.delta;

import static dev.scanflow.server.delta.Reports.up;
import static dev.scanflow.server.delta.Reports.v2;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.scanflow.net.Cidr;
import dev.scanflow.report.ScanReport;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Chunks of one scan: any order, duplicates, a chunk that never comes, a chunk cut short. */
class ScanAssemblyTest {

    private static final String NET = "10.1.0.0/24";

    /**
     * Four chunks of one port scan, each covering a /26 (liveness and tcp/22,80) and seeing one host; the scan
     * starts after every report built before it, so it is never out of order.
     */
    private static List<ScanReport> chunks(UUID scanId) {
        Instant start = Reports.nextStart();
        List<ScanReport> chunks = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            String quarter = "10.1.0." + (64 * i) + "/26";
            chunks.add(v2(NET).chunk(scanId, i, 4).startingAt(start.plusSeconds(i)).liveness(quarter)
                    .probe("tcp", "22,80", quarter).host(up("10.1.0." + (64 * i + 1)).open("tcp", 22)).build());
        }
        return chunks;
    }

    /**
     * A state where every /26 has two hosts: .1 up with tcp/22 open and tcp/80 missed once, .2 (tcp/22)
     * missed once.
     */
    private static SubnetState known(DeltaEngine engine) {
        SubnetState state = SubnetState.empty(new SubnetKey("site-b", 3), Cidr.parse(NET));
        Reports.Builder all = v2(NET).liveness(NET).probe("tcp", "22,80", NET);
        Reports.Builder again = v2(NET).liveness(NET).probe("tcp", "22,80", NET);
        for (int i = 0; i < 4; i++) {
            all.host(up("10.1.0." + (64 * i + 1)).open("tcp", 22).open("tcp", 80));
            all.host(up("10.1.0." + (64 * i + 2)).open("tcp", 22));
            again.host(up("10.1.0." + (64 * i + 1)).open("tcp", 22));
        }
        state = engine.apply(state, Observation.of(all.build())).after();
        return engine.apply(state, Observation.of(again.build())).after();
    }

    private static ScanAssembly assemble(List<ScanReport> reports) {
        ScanAssembly assembly = ScanAssembly.startWith(reports.get(0));
        reports.subList(1, reports.size()).forEach(assembly::add);
        return assembly;
    }

    @Test
    void completesOnlyWhenEveryIndexHasArrived() {
        List<ScanReport> chunks = chunks(UUID.randomUUID());
        ScanAssembly assembly = ScanAssembly.startWith(chunks.get(2));
        assertFalse(assembly.isComplete());
        assertEquals(new TreeSet<>(Set.of(0, 1, 3)), assembly.missingChunks());
        assembly.add(chunks.get(0));
        assembly.add(chunks.get(3));
        assertFalse(assembly.isComplete());
        assembly.add(chunks.get(1));
        assertTrue(assembly.isComplete());
        assertTrue(assembly.observation().isComplete());
        assertEquals(4, assembly.observation().reportIds().size());
        assertEquals(chunks.get(0).scanStart(), assembly.observation().scanStart(), "the earliest chunk start");
        assertEquals(chunks.get(3).scanEnd(), assembly.observation().scanEnd(), "the latest chunk end");
    }

    @Test
    void chunksInAnyOrderGiveTheSameChangesAndState() {
        DeltaEngine engine = new DeltaEngine();
        SubnetState known = known(engine);
        List<ScanReport> inOrder = chunks(UUID.randomUUID());
        DeltaResult expected = engine.apply(known, assemble(inOrder).observation());
        Random random = new Random(42);
        for (int round = 0; round < 10; round++) {
            List<ScanReport> shuffled = new ArrayList<>(inOrder);
            Collections.shuffle(shuffled, random);
            DeltaResult result = engine.apply(known, assemble(shuffled).observation());
            assertEquals(expected.changes(), result.changes(), "order " + shuffled.stream().map(r -> r.chunk().index()).toList());
            for (int i = 0; i < known.hostCount(); i++) {
                assertTrue(expected.after().hosts().get(i).sameAs(result.after().hosts().get(i)));
            }
        }
        // every .2 host missed twice now (gone, and a gone host has no open ports: its tcp/22 closes with it);
        // every .1 lost tcp/80
        assertEquals(4, expected.count(ChangeType.HOST_GONE));
        assertEquals(8, expected.count(ChangeType.PORT_CLOSED));
    }

    @Test
    void aHostInSeveralChunksAndTwiceInOneIsMergedAsInOneReport() {
        // each chunk is reduced on its own (ObservedChunk) before the scan is merged: the result must be that of
        // one report holding every entry in chunk order
        DeltaEngine engine = new DeltaEngine();
        SubnetState known = known(engine);
        UUID scanId = UUID.randomUUID();
        Instant start = Reports.nextStart();
        Reports.HostBuilder[][] entries = {
                {up("10.1.0.65").open("tcp", 22), up("10.1.0.1").mac("02:00:00:00:00:01").port("tcp", 80, "filtered", null),
                        up("10.1.0.65").name("twice.lab").open("tcp", 80)},
                {up("10.1.0.1").name("second.lab").mac("02:00:00:00:00:02").open("tcp", 80),
                        up("10.1.0.65").port("tcp", 22, "closed", null)}};
        List<ScanReport> chunks = new ArrayList<>();
        Reports.Builder whole = v2(NET).startingAt(start).liveness(NET).probe("tcp", "22,80", NET);
        for (int i = 0; i < entries.length; i++) {
            Reports.Builder chunk = v2(NET).chunk(scanId, i, entries.length).startingAt(start).liveness(NET).probe("tcp", "22,80", NET);
            for (Reports.HostBuilder entry : entries[i]) {
                chunk.host(entry);
                whole.host(entry);
            }
            chunks.add(chunk.build());
        }
        DeltaResult merged = engine.apply(known, assemble(chunks).observation());
        DeltaResult expected = engine.apply(known, Observation.of(whole.build()));
        assertEquals(expected.changes(), merged.changes());
        assertEquals(expected.after().hosts().size(), merged.after().hosts().size());
        for (int i = 0; i < expected.after().hosts().size(); i++) {
            assertTrue(expected.after().hosts().get(i).sameAs(merged.after().hosts().get(i)), "host " + i);
        }
        // what either entry saw wins: .1 keeps the first MAC and gets the name; .65 has tcp/22 and tcp/80 open
        HostRecord first = host(merged, "10.1.0.1");
        assertEquals("02:00:00:00:00:01", first.mac());
        assertEquals("second.lab", first.hostname());
        HostRecord twice = host(merged, "10.1.0.65");
        assertEquals("twice.lab", twice.hostname());
        assertEquals(2, twice.portCount());
    }

    private static HostRecord host(DeltaResult result, String address) {
        return result.after().hosts().stream().filter(h -> h.address(4).toString().equals(address)).findFirst().orElseThrow();
    }

    @Test
    void aChunkThatNeverArrivedLeavesItsTargetsUnknown() {
        DeltaEngine engine = new DeltaEngine();
        SubnetState known = known(engine);
        List<ScanReport> chunks = chunks(UUID.randomUUID());
        ScanAssembly assembly = assemble(List.of(chunks.get(0), chunks.get(1), chunks.get(3)));
        assertFalse(assembly.isComplete());
        Observation afterTimeout = assembly.observation();
        assertEquals(new TreeSet<>(Set.of(2)), afterTimeout.missingChunks());
        assertFalse(afterTimeout.isComplete());
        DeltaResult result = engine.apply(known, afterTimeout);
        assertEquals(3, result.count(ChangeType.HOST_GONE), "gone in the three chunks that came");
        assertEquals(6, result.count(ChangeType.PORT_CLOSED),
                "tcp/80 closed, and the gone hosts' tcp/22 with them, in the three chunks that came");
        HostRecord missedBefore = result.after().host(HostAddress.parse("10.1.0.130")).orElseThrow();
        assertEquals(HostStatus.UP, missedBefore.status());
        assertEquals(1, missedBefore.misses(), "still the one miss from before");
        HostRecord portMissedBefore = result.after().host(HostAddress.parse("10.1.0.129")).orElseThrow();
        assertEquals(1, portMissedBefore.portMisses(portMissedBefore.indexOf(PortKey.of("tcp", 80))), "still one miss");
        AddressRanges missingQuarter = AddressRanges.of(4, List.of(Cidr.parse("10.1.0.128/26")));
        assertTrue(result.changes().stream().noneMatch(change -> missingQuarter.contains(change.address())),
                "nothing in 10.1.0.128/26 changed");
    }

    @Test
    void aPartialChunkContributesWhatItSawButNoCoverage() {
        DeltaEngine engine = new DeltaEngine();
        SubnetState known = known(engine);
        UUID scanId = UUID.randomUUID();
        List<ScanReport> chunks = new ArrayList<>(chunks(scanId));
        chunks.set(1, v2(NET).chunk(scanId, 1, 4).partial().liveness("10.1.0.64/26").probe("tcp", "22,80", "10.1.0.64/26")
                .host(up("10.1.0.70").open("tcp", 443)).build());
        Observation observation = assemble(chunks).observation();
        assertTrue(observation.isPartial());
        DeltaResult result = engine.apply(known, observation);
        assertEquals(3, result.count(ChangeType.HOST_GONE));
        HostRecord unreported = result.after().host(HostAddress.parse("10.1.0.66")).orElseThrow();
        assertEquals(HostStatus.UP, unreported.status(), "not reported by the partial chunk: unknown");
        assertEquals(1, unreported.misses(), "neither missed again nor seen");
        HostRecord portUnreported = result.after().host(HostAddress.parse("10.1.0.65")).orElseThrow();
        assertTrue(portUnreported.hasOpen("tcp", 80), "tcp/80 still open after one miss");
        assertEquals(1, result.count(ChangeType.HOST_NEW), "what the partial chunk saw is a fact");
    }

    @Test
    void aResentChunkIsADuplicateAndChangesNothing() {
        List<ScanReport> chunks = chunks(UUID.randomUUID());
        ScanAssembly assembly = ScanAssembly.startWith(chunks.get(0));
        assertEquals(ScanAssembly.Added.DUPLICATE, assembly.add(chunks.get(0)));
        assertEquals(1, assembly.receivedCount());
    }

    @Test
    void refusesChunksOfAnotherScanOrWithAnotherCount() {
        UUID scanId = UUID.randomUUID();
        ScanAssembly assembly = ScanAssembly.startWith(chunks(scanId).get(0));
        assertThrows(IllegalArgumentException.class, () -> assembly.add(chunks(UUID.randomUUID()).get(1)));
        assertThrows(IllegalArgumentException.class, () -> assembly.add(v2(NET).chunk(scanId, 1, 5).build()));
        assertThrows(IllegalArgumentException.class, () -> assembly.add(v2("10.2.0.0/24").chunk(scanId, 1, 4).build()));
    }

    @Test
    void anUnchunkedReportIsAScanOfOneChunkCompleteAtOnce() {
        ScanReport report = v2(NET).liveness(NET).build();
        ScanAssembly assembly = ScanAssembly.startWith(report);
        assertTrue(assembly.isComplete());
        assertEquals(report.reportId(), assembly.scanId());
        SortedSet<Integer> none = new TreeSet<>();
        assertEquals(none, assembly.observation().missingChunks());
    }

    @Test
    void observationOfASingleReportRefusesOneChunkOfMany() {
        assertThrows(IllegalArgumentException.class, () -> Observation.of(chunks(UUID.randomUUID()).get(0)));
    }
}
