package dev.scanflow.server.phpipam;

import dev.scanflow.net.Cidr;

/** A row of phpIPAM's subnets table with the flags that decide what a scan may write into it. */
public record PhpipamSubnet(
        long id,
        Cidr cidr,
        boolean isFolder,
        boolean isPool,
        boolean pingSubnet,
        boolean discoverSubnet,
        boolean resolveDns,
        int childCount) {
}
