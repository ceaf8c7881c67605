package dev.scanflow.bench;

import dev.scanflow.testing.TestPhpipam;

/**
 * InnoDB's dirty pages, for benchmarks that time a rescan as it runs in the steady state: minutes after the scan
 * before it, once InnoDB's page cleaner has written out what that scan changed. Right after a scan the cleaner
 * still writes tens of thousands of pages beside whatever runs next, on the same cores.
 */
final class InnoDbPages {

    private InnoDbPages() {
    }

    /** Pages of the buffer pool changed and not yet written out. */
    static long dirty(TestPhpipam phpipam) {
        return Long.parseLong(String.valueOf(phpipam.rows("SHOW GLOBAL STATUS LIKE 'Innodb_buffer_pool_pages_dirty'")
                .get(0).get("Value")));
    }

    /**
     * Has InnoDB write out its dirty pages (innodb_max_dirty_pages_pct 0 makes its page cleaner flush them all,
     * innodb_io_capacity 20,000 lets it flush as fast as the disk takes them rather than at MariaDB's default
     * pace of 200 to 2,000 pages a second) and waits until it has, at most 10 minutes; the settings are put back
     * after. Returns the seconds it took.
     */
    static double settle(TestPhpipam phpipam) {
        long start = System.nanoTime();
        java.util.Map<String, Object> before = phpipam.rows("SELECT @@GLOBAL.innodb_max_dirty_pages_pct AS pct,"
                + " @@GLOBAL.innodb_io_capacity AS io, @@GLOBAL.innodb_io_capacity_max AS io_max").get(0);
        phpipam.execute("SET GLOBAL innodb_io_capacity_max = 20000");
        phpipam.execute("SET GLOBAL innodb_io_capacity = 20000");
        phpipam.execute("SET GLOBAL innodb_max_dirty_pages_pct = 0");
        try {
            while (dirty(phpipam) > 0 && System.nanoTime() - start < 600e9) {
                Thread.sleep(250);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            phpipam.execute("SET GLOBAL innodb_max_dirty_pages_pct = " + Double.parseDouble(String.valueOf(before.get("pct"))));
            phpipam.execute("SET GLOBAL innodb_io_capacity = " + Long.parseLong(String.valueOf(before.get("io"))));
            phpipam.execute("SET GLOBAL innodb_io_capacity_max = " + Long.parseLong(String.valueOf(before.get("io_max"))));
        }
        return (System.nanoTime() - start) / 1e9;
    }
}
