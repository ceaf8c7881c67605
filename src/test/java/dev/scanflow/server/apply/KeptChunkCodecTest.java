package dev.scanflow.server.apply;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.scanflow.report.ScanReport;
import java.io.IOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The kept-chunk format against the report records as they are: a report with every component of every record
 * filled (found by reflection, so a field added to a record is filled too) reads back equal, which fails until
 * the codec writes and reads the new field.
 */
class KeptChunkCodecTest {

    private int counter;

    @Test
    void aReportWithEveryFieldOfEveryRecordFilledReadsBackEqual() throws Exception {
        ScanReport report = (ScanReport) filled(ScanReport.class);
        assertEquals(report, KeptChunkCodec.decode(KeptChunkCodec.encode(report)));
    }

    @Test
    void everyNullableFieldLeftNullReadsBackNull() throws Exception {
        ScanReport report = new ScanReport(2, UUID.randomUUID(), "agent", "10.0.0.0/24", Instant.EPOCH, Instant.EPOCH,
                List.of(), List.of(new dev.scanflow.report.ScannedHost("10.0.0.1", "up", null, null, null, null)),
                null, null, null, null);
        ScanReport back = KeptChunkCodec.decode(KeptChunkCodec.encode(report));
        assertEquals(report, back);
        assertNull(back.chunk());
        assertNull(back.partial());
        assertNull(back.coverage());
    }

    @Test
    void theFillerReallyFillsEveryField() throws Exception {
        // the test above proves something only if two filled reports differ in every field
        ScanReport one = (ScanReport) filled(ScanReport.class);
        ScanReport two = (ScanReport) filled(ScanReport.class);
        for (RecordComponent component : ScanReport.class.getRecordComponents()) {
            Object a = component.getAccessor().invoke(one);
            Object b = component.getAccessor().invoke(two);
            if (component.getType() == int.class || component.getType() == Boolean.class) {
                continue; // formatVersion and partial have one value each
            }
            assertNotEquals(a, b, component.getName());
        }
    }

    @Test
    void aDamagedRowIsAnErrorNotAnotherReport() throws Exception {
        byte[] kept = KeptChunkCodec.encode((ScanReport) filled(ScanReport.class));
        kept[kept.length / 2] ^= 0x5A;
        assertThrows(IOException.class, () -> KeptChunkCodec.decode(kept));
        assertThrows(IOException.class, () -> KeptChunkCodec.decode(java.util.Arrays.copyOf(kept, kept.length / 3)));
    }

    @Test
    void repeatedStringsAreWrittenOnce() throws Exception {
        ScanReport one = (ScanReport) filled(ScanReport.class);
        List<dev.scanflow.report.ScannedHost> many = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            many.addAll(one.hosts());
        }
        ScanReport repeated = new ScanReport(one.formatVersion(), one.reportId(), one.agentCode(), one.subnet(),
                one.scanStart(), one.scanEnd(), one.command(), many, one.profile(), one.chunk(), one.partial(), one.coverage());
        int kept = KeptChunkCodec.encode(repeated).length;
        int json = dev.scanflow.report.ReportJson.mapper().writeValueAsBytes(repeated).length;
        assertTrue(kept * 50 < json, kept + " bytes kept against " + json + " of JSON");
    }

    /** An instance of {@code type} with every component set, strings and numbers distinct from any other call's. */
    private Object filled(Type type) throws Exception {
        if (type instanceof ParameterizedType generic) {
            Type[] arguments = generic.getActualTypeArguments();
            if (generic.getRawType() == List.class) {
                return List.of(filled(arguments[0]), filled(arguments[0]));
            }
            if (generic.getRawType() == Map.class) {
                Map<Object, Object> map = new LinkedHashMap<>();
                map.put(filled(arguments[0]), filled(arguments[1]));
                map.put(filled(arguments[0]), filled(arguments[1]));
                return map;
            }
            throw new AssertionError("no filler for " + type + ": add one, and the field to KeptChunkCodec");
        }
        Class<?> raw = (Class<?>) type;
        if (raw == String.class) {
            return "value \u00e9 " + ++counter;
        }
        if (raw == int.class || raw == Integer.class) {
            return raw == int.class && counter == 0 ? 2 : ++counter;
        }
        if (raw == Boolean.class || raw == boolean.class) {
            return Boolean.TRUE;
        }
        if (raw == UUID.class) {
            return UUID.randomUUID();
        }
        if (raw == Instant.class) {
            return Instant.ofEpochSecond(1_700_000_000L + ++counter, 123_456_789);
        }
        if (raw.isRecord()) {
            RecordComponent[] components = raw.getRecordComponents();
            Class<?>[] types = new Class<?>[components.length];
            Object[] values = new Object[components.length];
            for (int i = 0; i < components.length; i++) {
                types[i] = components[i].getType();
                values[i] = filled(components[i].getGenericType());
            }
            Constructor<?> canonical = raw.getDeclaredConstructor(types);
            return canonical.newInstance(values);
        }
        throw new AssertionError("no filler for " + type + ": add one, and the field to KeptChunkCodec");
    }
}
