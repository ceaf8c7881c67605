-- ScanFlow test/demo fixture: a phpIPAM 1.8.2 (dbversion 46) compatible database.
-- Written for ScanFlow from the phpIPAM facts in ScanFlow's notes (phpipam.md section 1); it is not phpIPAM code.
-- Only the tables the scan pipeline reads or writes are created (see README.md next to this file).
--
-- Rules for this file (a simple JDBC runner executes it):
--   * it never creates or switches databases: the caller has already selected the target database
--   * every statement ends with a semicolon at the end of a line, no other line ends with one
--   * comments are whole lines starting with '-- ' only
--   * no backslashes and no double-quoted string literals (works with NO_BACKSLASH_ESCAPES / ANSI_QUOTES)
--   * meant for an EMPTY database: there are no DROP statements (DROP IF EXISTS would raise notes)
-- Column types, NULLability, defaults, keys and foreign keys follow phpIPAM 1.8.2.
-- All tables are InnoDB with utf8mb4 / utf8mb4_unicode_ci like phpIPAM.


-- ---------------------------------------------------------------------------
-- customers: only needed as the target of the customer_id foreign keys (no default rows)
-- ---------------------------------------------------------------------------
CREATE TABLE `customers` (
  `id`             INT(11) UNSIGNED NOT NULL AUTO_INCREMENT,
  `title`          VARCHAR(128)     NOT NULL DEFAULT '',
  `address`        VARCHAR(255)     NULL DEFAULT NULL,
  `postcode`       VARCHAR(32)      NULL DEFAULT NULL,
  `city`           VARCHAR(255)     NULL DEFAULT NULL,
  `state`          VARCHAR(255)     NULL DEFAULT NULL,
  `lat`            VARCHAR(31)      NULL DEFAULT NULL,
  `long`           VARCHAR(31)      NULL DEFAULT NULL,
  `contact_person` TEXT             NULL DEFAULT NULL,
  `contact_phone`  VARCHAR(32)      NULL DEFAULT NULL,
  `contact_mail`   VARCHAR(254)     NULL DEFAULT NULL,
  `note`           TEXT             NULL DEFAULT NULL,
  `status`         SET('Active','Reserved','Inactive') NULL DEFAULT 'Active',
  PRIMARY KEY (`id`),
  UNIQUE KEY `title` (`title`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;


-- ---------------------------------------------------------------------------
-- sections: note the PRIMARY KEY is `name`, `id` only has a unique key
-- ---------------------------------------------------------------------------
CREATE TABLE `sections` (
  `id`               INT(11)       NOT NULL AUTO_INCREMENT,
  `name`             VARCHAR(128)  NOT NULL DEFAULT '',
  `description`      TEXT          NULL,
  `masterSection`    INT(11)       NULL DEFAULT '0',
  `permissions`      VARCHAR(1024) NULL DEFAULT NULL,
  `strictMode`       BINARY(1)     NOT NULL DEFAULT '1',
  `subnetOrdering`   VARCHAR(16)   NULL DEFAULT NULL,
  `order`            INT(3)        NULL DEFAULT NULL,
  `editDate`         TIMESTAMP     NULL ON UPDATE CURRENT_TIMESTAMP,
  `showSubnet`       BOOL          NOT NULL DEFAULT '1',
  `showVLAN`         BOOL          NOT NULL DEFAULT '0',
  `showVRF`          BOOL          NOT NULL DEFAULT '0',
  `showSupernetOnly` BOOL          NOT NULL DEFAULT '0',
  `DNS`              VARCHAR(128)  NULL DEFAULT NULL,
  PRIMARY KEY (`name`),
  UNIQUE KEY `id_2` (`id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- phpIPAM default sections (permissions: group 3 Guests = read, group 2 Operators = write)
INSERT INTO `sections` (`id`, `name`, `description`, `permissions`) VALUES
  (1, 'Customers', 'Section for customers',      '{"3":"1","2":"2"}'),
  (2, 'IPv6',      'Section for IPv6 addresses', '{"3":"1","2":"2"}');


-- ---------------------------------------------------------------------------
-- subnets: `subnet` is the network address as an unsigned decimal string,
-- `mask` a string ('24'); folders have subnet '0' and mask ''
-- ---------------------------------------------------------------------------
CREATE TABLE `subnets` (
  `id`                    INT(11)          NOT NULL AUTO_INCREMENT,
  `subnet`                VARCHAR(255)     NULL DEFAULT NULL,
  `mask`                  VARCHAR(3)       NULL DEFAULT NULL,
  `sectionId`             INT(11) UNSIGNED NULL DEFAULT NULL,
  `description`           TEXT             NULL,
  `linked_subnet`         INT(11) UNSIGNED NULL DEFAULT NULL,
  `firewallAddressObject` VARCHAR(100)     NULL DEFAULT NULL,
  `vrfId`                 INT(11) UNSIGNED NULL DEFAULT NULL,
  `masterSubnetId`        INT(11) UNSIGNED NOT NULL DEFAULT 0,
  `allowRequests`         BOOL             NOT NULL DEFAULT '0',
  `vlanId`                INT(11) UNSIGNED NULL DEFAULT NULL,
  `showName`              BOOL             NOT NULL DEFAULT '0',
  `device`                INT UNSIGNED     NULL DEFAULT '0',
  `permissions`           VARCHAR(1024)    NULL DEFAULT NULL,
  `pingSubnet`            BOOL             NOT NULL DEFAULT '0',
  `discoverSubnet`        BOOL             NOT NULL DEFAULT '0',
  `resolveDNS`            BOOL             NOT NULL DEFAULT '0',
  `DNSrecursive`          BOOL             NOT NULL DEFAULT '0',
  `DNSrecords`            BOOL             NOT NULL DEFAULT '0',
  `nameserverId`          INT(11)          NULL DEFAULT '0',
  `scanAgent`             INT(11)          NULL DEFAULT NULL,
  `customer_id`           INT(11) UNSIGNED NULL DEFAULT NULL,
  `isFolder`              BOOL             NOT NULL DEFAULT '0',
  `isFull`                BOOL             NOT NULL DEFAULT '0',
  `isPool`                BOOL             NOT NULL DEFAULT '0',
  `state`                 INT(3)           NULL DEFAULT '2',
  `threshold`             INT(3)           NULL DEFAULT 0,
  `location`              INT(11) UNSIGNED NULL DEFAULT NULL,
  `editDate`              TIMESTAMP        NULL ON UPDATE CURRENT_TIMESTAMP,
  `lastScan`              TIMESTAMP        NULL,
  `lastDiscovery`         TIMESTAMP        NULL,
  PRIMARY KEY (`id`),
  KEY `masterSubnetId` (`masterSubnetId`),
  KEY `location` (`location`),
  KEY `sectionId` (`sectionId`),
  KEY `vrfId` (`vrfId`),
  KEY `customer_subnets` (`customer_id`),
  CONSTRAINT `customer_subnets` FOREIGN KEY (`customer_id`) REFERENCES `customers` (`id`) ON DELETE SET NULL ON UPDATE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- phpIPAM default subnets:
--   1 fd13:6d20:29dc:cf27::/64 (IPv6 section)   2 10.10.0.0/16
--   3 10.10.1.0/24 (in 2)   4 10.10.2.0/24 (in 2)   5 folder 'My folder'   6 10.65.22.0/24 (in folder 5)
-- none of them has a scan agent or ping/discovery enabled
INSERT INTO `subnets` (`id`, `subnet`, `mask`, `sectionId`, `description`, `vrfId`, `masterSubnetId`, `allowRequests`, `vlanId`, `showName`, `permissions`, `isFolder`) VALUES
  (1, '336395549904799703390415618052362076160', '64', 2, 'Private subnet 1',   0, 0, 1, 1, 1, '{"3":"1","2":"2"}', 0),
  (2, '168427520',                               '16', 1, 'Business customers', 0, 0, 1, 0, 1, '{"3":"1","2":"2"}', 0),
  (3, '168427776',                               '24', 1, 'Customer 1',         0, 2, 1, 0, 1, '{"3":"1","2":"2"}', 0),
  (4, '168428032',                               '24', 1, 'Customer 2',         0, 2, 1, 0, 1, '{"3":"1","2":"2"}', 0),
  (5, '0',                                       '',   1, 'My folder',          0, 0, 0, 0, 0, '{"3":"1","2":"2"}', 1),
  (6, '172037632',                               '24', 1, 'DHCP range',         0, 5, 0, 0, 1, '{"3":"1","2":"2"}', 0);


-- ---------------------------------------------------------------------------
-- ipaddresses: `ip_addr` is the address as an unsigned decimal string,
-- `state` is an ipTags id, `switch` a device id, lastSeen '1970-01-01 00:00:01' means never seen
-- ---------------------------------------------------------------------------
CREATE TABLE `ipaddresses` (
  `id`                    INT(11)          NOT NULL AUTO_INCREMENT,
  `subnetId`              INT(11) UNSIGNED NULL DEFAULT NULL,
  `ip_addr`               VARCHAR(100)     NOT NULL,
  `is_gateway`            BOOL             NOT NULL DEFAULT '0',
  `description`           VARCHAR(64)      NULL DEFAULT NULL,
  `hostname`              VARCHAR(255)     NULL DEFAULT NULL,
  `mac`                   VARCHAR(20)      NULL DEFAULT NULL,
  `owner`                 VARCHAR(128)     NULL DEFAULT NULL,
  `state`                 INT(3)           NULL DEFAULT '2',
  `switch`                INT(11) UNSIGNED NULL DEFAULT NULL,
  `location`              INT(11) UNSIGNED NULL DEFAULT NULL,
  `port`                  VARCHAR(32)      NULL DEFAULT NULL,
  `note`                  TEXT             NULL,
  `lastSeen`              DATETIME         NULL DEFAULT '1970-01-01 00:00:01',
  `excludePing`           BOOL             NOT NULL DEFAULT '0',
  `PTRignore`             BOOL             NOT NULL DEFAULT '0',
  `PTR`                   INT(11) UNSIGNED NULL DEFAULT '0',
  `firewallAddressObject` VARCHAR(100)     NULL DEFAULT NULL,
  `editDate`              TIMESTAMP        NULL ON UPDATE CURRENT_TIMESTAMP,
  `customer_id`           INT(11) UNSIGNED NULL DEFAULT NULL,
  PRIMARY KEY (`id`),
  UNIQUE KEY `sid_ip_unique` (`ip_addr`, `subnetId`),
  KEY `subnetid` (`subnetId`),
  KEY `location` (`location`),
  KEY `customer_ip` (`customer_id`),
  CONSTRAINT `customer_ip` FOREIGN KEY (`customer_id`) REFERENCES `customers` (`id`) ON DELETE SET NULL ON UPDATE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- phpIPAM default addresses:
--   1-4 10.10.1.3-.6 (subnet 3)   5 10.10.1.245 gateway entry (subnet 3)
--   6 10.10.2.254, 7 10.10.2.10 (subnet 4)   8-10 10.65.22.4-.6 DHCP (subnet 6)
INSERT INTO `ipaddresses` (`id`, `subnetId`, `ip_addr`, `description`, `hostname`, `state`) VALUES
  (1,  3, '168427779', 'Server1',    'server1.cust1.local', 2),
  (2,  3, '168427780', 'Server2',    'server2.cust1.local', 2),
  (3,  3, '168427781', 'Server3',    'server3.cust1.local', 3),
  (4,  3, '168427782', 'Server4',    'server4.cust1.local', 3),
  (5,  3, '168428021', 'Gateway',    NULL,                  2),
  (6,  4, '168428286', 'Gateway',    NULL,                  2),
  (7,  4, '168428042', 'Server1',    'ser1.client2.local',  2),
  (8,  6, '172037636', 'DHCP range', NULL,                  4),
  (9,  6, '172037637', 'DHCP range', NULL,                  4),
  (10, 6, '172037638', 'DHCP range', NULL,                  4);


-- ---------------------------------------------------------------------------
-- scanAgents: `code` is the agent secret (NULL for the built-in direct agent)
-- ---------------------------------------------------------------------------
CREATE TABLE `scanAgents` (
  `id`          INT(11) UNSIGNED NOT NULL AUTO_INCREMENT,
  `name`        VARCHAR(128)     NULL DEFAULT NULL,
  `description` TEXT             NULL,
  `type`        SET('direct','api','mysql') NOT NULL DEFAULT '',
  `code`        VARCHAR(32)      NULL DEFAULT NULL,
  `last_access` DATETIME         NULL DEFAULT NULL,
  PRIMARY KEY (`id`),
  UNIQUE KEY `code` (`code`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- phpIPAM's built-in agent used by its own cron scripts
INSERT INTO `scanAgents` (`id`, `name`, `description`, `type`) VALUES
  (1, 'localhost', 'Scanning from local machine', 'direct');


-- ---------------------------------------------------------------------------
-- settings: a single row, id 1
-- (rackImageFormat / rackAllowOverlap are the two columns dbversion 46 added)
-- ---------------------------------------------------------------------------
CREATE TABLE `settings` (
  `id`                   INT(11) UNSIGNED NOT NULL AUTO_INCREMENT,
  `siteTitle`            VARCHAR(64)   NULL DEFAULT NULL,
  `siteAdminName`        VARCHAR(64)   NULL DEFAULT NULL,
  `siteAdminMail`        VARCHAR(254)  NULL DEFAULT NULL,
  `siteDomain`           VARCHAR(32)   NULL DEFAULT NULL,
  `siteURL`              VARCHAR(64)   NULL DEFAULT NULL,
  `siteLoginText`        VARCHAR(128)  NULL DEFAULT NULL,
  `domainAuth`           TINYINT(1)    NULL DEFAULT NULL,
  `enableIPrequests`     TINYINT(1)    NULL DEFAULT NULL,
  `enableVRF`            TINYINT(1)    NULL DEFAULT '1',
  `enableDNSresolving`   TINYINT(1)    NULL DEFAULT NULL,
  `enableFirewallZones`  TINYINT(1)    NOT NULL DEFAULT '0',
  `firewallZoneSettings` VARCHAR(1024) NOT NULL DEFAULT '{"zoneLength":3,"ipType":{"0":"v4","1":"v6"},"separator":"_","indicator":{"0":"own","1":"customer"},"zoneGenerator":"2","zoneGeneratorType":{"0":"decimal","1":"hex","2":"text"},"deviceType":"3","padding":"on","strictMode":"on","pattern":{"0":"patternFQDN"}}',
  `enablePowerDNS`       TINYINT(1)    NULL DEFAULT '0',
  `powerDNS`             TEXT          NULL,
  `enableDHCP`           TINYINT(1)    NULL DEFAULT '0',
  `DHCP`                 VARCHAR(256)  NULL DEFAULT '{"type":"kea","settings":{"file":"/etc/kea/kea.conf"}}',
  `enableMulticast`      TINYINT(1)    NULL DEFAULT '0',
  `enableNAT`            TINYINT(1)    NULL DEFAULT '1',
  `enableSNMP`           TINYINT(1)    NULL DEFAULT '0',
  `enableThreshold`      TINYINT(1)    NULL DEFAULT '1',
  `enableRACK`           TINYINT(1)    NULL DEFAULT '1',
  `rackImageFormat`      ENUM('png','svg') NOT NULL DEFAULT 'svg',
  `rackAllowOverlap`     INT(1)        NOT NULL DEFAULT 0,
  `enableLocations`      TINYINT(1)    NULL DEFAULT '1',
  `enablePSTN`           TINYINT(1)    NULL DEFAULT '0',
  `enableChangelog`      TINYINT(1)    NOT NULL DEFAULT '1',
  `enableCustomers`      TINYINT(1)    NOT NULL DEFAULT '1',
  `enableVaults`         TINYINT(1)    NOT NULL DEFAULT '1',
  `link_field`           VARCHAR(32)   NULL DEFAULT '0',
  `version`              VARCHAR(5)    NULL DEFAULT NULL,
  `dbversion`            INT(8)        NOT NULL DEFAULT '0',
  `dbverified`           BINARY(1)     NOT NULL DEFAULT '0',
  `donate`               TINYINT(1)    NULL DEFAULT '0',
  `IPfilter`             VARCHAR(128)  NULL DEFAULT NULL,
  `IPrequired`           VARCHAR(128)  NULL DEFAULT NULL,
  `vlanDuplicate`        INT(1)        NULL DEFAULT '0',
  `vlanMax`              INT(8)        NULL DEFAULT '4096',
  `subnetOrdering`       VARCHAR(16)   NULL DEFAULT 'subnet,asc',
  `visualLimit`          INT(2)        NOT NULL DEFAULT '0',
  `theme`                VARCHAR(32)   NOT NULL DEFAULT 'dark',
  `autoSuggestNetwork`   TINYINT(1)    NOT NULL DEFAULT '0',
  `pingStatus`           VARCHAR(32)   NOT NULL DEFAULT '1800;3600',
  `defaultLang`          INT(3)        NULL DEFAULT NULL,
  `editDate`             TIMESTAMP     NULL ON UPDATE CURRENT_TIMESTAMP,
  `vcheckDate`           DATETIME      NULL DEFAULT NULL,
  `api`                  BINARY        NOT NULL DEFAULT '0',
  `scanPingPath`         VARCHAR(64)   NULL DEFAULT '/bin/ping',
  `scanFPingPath`        VARCHAR(64)   NULL DEFAULT '/bin/fping',
  `scanPingType`         ENUM('none','ping','pear','fping') NOT NULL DEFAULT 'ping',
  `scanMaxThreads`       INT(4)        NULL DEFAULT '128',
  `prettyLinks`          ENUM('Yes','No') NOT NULL DEFAULT 'No',
  `hiddenCustomFields`   TEXT          NULL,
  `inactivityTimeout`    INT(5)        NOT NULL DEFAULT '3600',
  `updateTags`           TINYINT(1)    NULL DEFAULT '0',
  `enforceUnique`        TINYINT(1)    NULL DEFAULT '1',
  `authmigrated`         TINYINT       NOT NULL DEFAULT '0',
  `maintaneanceMode`     TINYINT(1)    NULL DEFAULT '0',
  `decodeMAC`            TINYINT(1)    NULL DEFAULT '1',
  `tempShare`            TINYINT(1)    NULL DEFAULT '0',
  `tempAccess`           TEXT          NULL,
  `log`                  ENUM('Database','syslog','both') NOT NULL DEFAULT 'Database',
  `subnetView`           TINYINT       NOT NULL DEFAULT '0',
  `enableCircuits`       TINYINT(1)    NULL DEFAULT '1',
  `enableRouting`        TINYINT(1)    NULL DEFAULT '0',
  `permissionPropagate`  TINYINT(1)    NULL DEFAULT '1',
  `passwordPolicy`       VARCHAR(1024) NULL DEFAULT '{"minLength":8,"maxLength":0,"minNumbers":0,"minLetters":0,"minLowerCase":0,"minUpperCase":0,"minSymbols":0,"maxSymbols":0,"allowedSymbols":"#,_,-,!,[,],=,~"}',
  `2fa_provider`         ENUM('none','Google_Authenticator') NULL DEFAULT 'none',
  `2fa_name`             VARCHAR(32)   NULL DEFAULT 'phpipam',
  `2fa_length`           INT(2)        NULL DEFAULT '26',
  `2fa_userchange`       BOOL          NOT NULL DEFAULT '1',
  `passkeys`             TINYINT(1)    NULL DEFAULT '1',
  PRIMARY KEY (`id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- phpIPAM's default settings row; every other column keeps its default
-- (notably api = 0: the REST API is OFF, and scanPingType = 'ping').
-- version / dbversion are set at the end of this file, as phpIPAM does.
INSERT INTO `settings` (`id`, `siteTitle`, `siteAdminName`, `siteAdminMail`, `siteDomain`, `siteURL`, `domainAuth`, `enableIPrequests`, `enableVRF`, `enableDNSresolving`, `version`, `donate`, `IPfilter`, `vlanDuplicate`, `subnetOrdering`, `visualLimit`) VALUES
  (1, 'phpipam IP address management', 'Sysadmin', 'admin@domain.local', 'domain.local', 'http://yourpublicurl.com', 0, 0, 0, 0, '1.4', 0, 'mac;owner;state;switch;note;firewallAddressObject', 1, 'subnet,asc', 24);


-- ---------------------------------------------------------------------------
-- ipTags: the values of ipaddresses.state
-- ---------------------------------------------------------------------------
CREATE TABLE `ipTags` (
  `id`        INT(11) UNSIGNED NOT NULL AUTO_INCREMENT,
  `type`      VARCHAR(32)      NULL DEFAULT NULL,
  `showtag`   TINYINT(4)       NULL DEFAULT '1',
  `bgcolor`   VARCHAR(7)       NULL DEFAULT '#000',
  `fgcolor`   VARCHAR(7)       NULL DEFAULT '#fff',
  `compress`  SET('No','Yes')  NOT NULL DEFAULT 'No',
  `locked`    SET('No','Yes')  NOT NULL DEFAULT 'No',
  `updateTag` TINYINT(1)       NULL DEFAULT '0',
  PRIMARY KEY (`id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

INSERT INTO `ipTags` (`id`, `type`, `showtag`, `bgcolor`, `fgcolor`, `compress`, `locked`, `updateTag`) VALUES
  (1, 'Offline',  1, '#f59c99', '#ffffff', 'No',  'Yes', 1),
  (2, 'Used',     0, '#a9c9a4', '#ffffff', 'No',  'Yes', 1),
  (3, 'Reserved', 1, '#9ac0cd', '#ffffff', 'No',  'Yes', 1),
  (4, 'DHCP',     1, '#c9c9c9', '#ffffff', 'Yes', 'Yes', 1);


-- ---------------------------------------------------------------------------
-- nameservers: namesrv1 holds the servers joined by ';'
-- ---------------------------------------------------------------------------
CREATE TABLE `nameservers` (
  `id`          INT(11)      NOT NULL AUTO_INCREMENT,
  `name`        VARCHAR(255) NOT NULL,
  `namesrv1`    VARCHAR(255) NULL DEFAULT NULL,
  `description` TEXT         NULL,
  `permissions` VARCHAR(128) NULL DEFAULT NULL,
  `editDate`    TIMESTAMP    NULL ON UPDATE CURRENT_TIMESTAMP,
  PRIMARY KEY (`id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- phpIPAM inserts this row without an id; it becomes id 1
INSERT INTO `nameservers` (`name`, `namesrv1`, `description`, `permissions`) VALUES
  ('Google NS', '8.8.8.8;8.8.4.4', 'Google public nameservers', '1;2');


-- ---------------------------------------------------------------------------
-- vlans
-- ---------------------------------------------------------------------------
CREATE TABLE `vlans` (
  `vlanId`      INT(11)          NOT NULL AUTO_INCREMENT,
  `domainId`    INT              NOT NULL DEFAULT '1',
  `name`        VARCHAR(255)     NOT NULL,
  `number`      INT(4)           NULL DEFAULT NULL,
  `description` TEXT             NULL,
  `editDate`    TIMESTAMP        NULL ON UPDATE CURRENT_TIMESTAMP,
  `customer_id` INT(11) UNSIGNED NULL DEFAULT NULL,
  PRIMARY KEY (`vlanId`),
  KEY `customer_vlans` (`customer_id`),
  CONSTRAINT `customer_vlans` FOREIGN KEY (`customer_id`) REFERENCES `customers` (`id`) ON DELETE SET NULL ON UPDATE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

INSERT INTO `vlans` (`vlanId`, `name`, `number`, `description`) VALUES
  (1, 'IPv6 private 1', 2001, 'IPv6 private 1 subnets'),
  (2, 'Servers DMZ',    4001, 'DMZ public');


-- ---------------------------------------------------------------------------
-- vlanDomains (L2 domains)
-- ---------------------------------------------------------------------------
CREATE TABLE `vlanDomains` (
  `id`          INT(11) UNSIGNED NOT NULL AUTO_INCREMENT,
  `name`        VARCHAR(64)      NULL DEFAULT NULL,
  `description` TEXT             NULL,
  `permissions` VARCHAR(128)     NULL DEFAULT NULL,
  PRIMARY KEY (`id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

INSERT INTO `vlanDomains` (`id`, `name`, `description`, `permissions`) VALUES
  (1, 'default', 'default L2 domain', NULL);


-- ---------------------------------------------------------------------------
-- vrf (no default rows)
-- ---------------------------------------------------------------------------
CREATE TABLE `vrf` (
  `vrfId`       INT(11) UNSIGNED NOT NULL AUTO_INCREMENT,
  `name`        VARCHAR(32)      NOT NULL DEFAULT '',
  `rd`          VARCHAR(32)      NULL DEFAULT NULL,
  `description` VARCHAR(256)     NULL DEFAULT NULL,
  `sections`    VARCHAR(128)     NULL DEFAULT NULL,
  `editDate`    TIMESTAMP        NULL ON UPDATE CURRENT_TIMESTAMP,
  `customer_id` INT(11) UNSIGNED NULL DEFAULT NULL,
  PRIMARY KEY (`vrfId`),
  KEY `customer_vrf` (`customer_id`),
  CONSTRAINT `customer_vrf` FOREIGN KEY (`customer_id`) REFERENCES `customers` (`id`) ON DELETE SET NULL ON UPDATE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;


-- ---------------------------------------------------------------------------
-- api: REST API applications (no default rows)
-- app_permissions: 0 disabled, 1 read, 2 read/write, 3 read/write/admin
-- ---------------------------------------------------------------------------
CREATE TABLE `api` (
  `id`                     INT(11) UNSIGNED NOT NULL AUTO_INCREMENT,
  `app_id`                 VARCHAR(32)      NOT NULL DEFAULT '',
  `app_code`               VARCHAR(32)      NULL DEFAULT '',
  `app_permissions`        INT(1)           NULL DEFAULT '1',
  `app_comment`            TEXT             NULL,
  `app_security`           SET('ssl_code','ssl_token','crypt','user','none') NOT NULL DEFAULT 'ssl_token',
  `app_lock_type`          ENUM('Auto','File','MySQL','Disabled') NOT NULL DEFAULT 'Auto',
  `app_lock_wait`          INT(4)           NOT NULL DEFAULT '30',
  `app_nest_custom_fields` TINYINT(1)       NULL DEFAULT '0',
  `app_show_links`         TINYINT(1)       NULL DEFAULT '0',
  `app_last_access`        DATETIME         NULL DEFAULT NULL,
  PRIMARY KEY (`id`),
  UNIQUE KEY `app_id` (`app_id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;


-- ---------------------------------------------------------------------------
-- users: the PRIMARY KEY is `username`, `id` only has a unique key
-- ---------------------------------------------------------------------------
CREATE TABLE `users` (
  `id`                 INT(11)          NOT NULL AUTO_INCREMENT,
  `username`           VARCHAR(255)     NOT NULL DEFAULT '',
  `authMethod`         INT(2)           NULL DEFAULT 1,
  `passkey_only`       TINYINT(1)       NOT NULL DEFAULT '0',
  `password`           CHAR(128)        NULL DEFAULT NULL,
  `groups`             VARCHAR(1024)    NULL DEFAULT NULL,
  `role`               TEXT             NULL,
  `real_name`          VARCHAR(128)     NULL DEFAULT NULL,
  `email`              VARCHAR(254)     NULL DEFAULT NULL,
  `domainUser`         BINARY(1)        NULL DEFAULT '0',
  `widgets`            VARCHAR(1024)    NULL DEFAULT 'statistics;favourite_subnets;changelog;top10_hosts_v4',
  `lang`               INT(11) UNSIGNED NULL DEFAULT '9',
  `favourite_subnets`  VARCHAR(1024)    NULL DEFAULT NULL,
  `disabled`           ENUM('Yes','No') NOT NULL DEFAULT 'No',
  `mailNotify`         ENUM('Yes','No') NOT NULL DEFAULT 'No',
  `mailChangelog`      ENUM('Yes','No') NOT NULL DEFAULT 'No',
  `passChange`         ENUM('Yes','No') NOT NULL DEFAULT 'No',
  `editDate`           TIMESTAMP        NULL ON UPDATE CURRENT_TIMESTAMP,
  `lastLogin`          TIMESTAMP        NULL,
  `lastActivity`       TIMESTAMP        NULL,
  `compressOverride`   ENUM('default','Uncompress') NOT NULL DEFAULT 'default',
  `hideFreeRange`      TINYINT(1)       NULL DEFAULT '0',
  `menuType`           ENUM('Static','Dynamic') NOT NULL DEFAULT 'Dynamic',
  `menuCompact`        TINYINT          NULL DEFAULT '1',
  `2fa`                BOOL             NOT NULL DEFAULT '0',
  `2fa_secret`         VARCHAR(32)      NULL DEFAULT NULL,
  `theme`              VARCHAR(32)      NULL DEFAULT '',
  `token`              VARCHAR(24)      NULL DEFAULT NULL,
  `token_valid_until`  DATETIME         NULL,
  `module_permissions` VARCHAR(255)     NULL DEFAULT '{"vlan":"1","l2dom":"1","vrf":"1","pdns":"1","circuits":"1","racks":"1","nat":"1","pstn":"1","customers":"1","locations":"1","devices":"1","routing":"1","vaults":"1"}',
  `compress_actions`   TINYINT(1)       NULL DEFAULT '1',
  PRIMARY KEY (`username`),
  UNIQUE KEY `id_2` (`id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- phpIPAM's default administrator: user Admin, password 'ipamadmin' (SHA-512 crypt),
-- must change the password at first login (passChange = 'Yes')
INSERT INTO `users` (`id`, `username`, `password`, `groups`, `role`, `real_name`, `email`, `domainUser`, `widgets`, `passChange`) VALUES
  (1, 'Admin', '$6$rounds=3000$JQEE6dL9NpvjeFs4$RK5X3oa28.Uzt/h5VAfdrsvlVe.7HgQUYKMXTJUsud8dmWfPzZQPbRbk8xJn1Kyyt4.dWm4nJIYhAV2mbOZ3g.', '', 'Administrator', 'phpIPAM Admin', 'admin@domain.local', '0', 'statistics;favourite_subnets;changelog;access_logs;error_logs;top10_hosts_v4', 'Yes');


-- ---------------------------------------------------------------------------
-- logs: phpIPAM's own event log (empty)
-- ---------------------------------------------------------------------------
CREATE TABLE `logs` (
  `id`       INT(11)      NOT NULL AUTO_INCREMENT,
  `severity` INT(11)      NULL DEFAULT NULL,
  `date`     VARCHAR(32)  NULL DEFAULT NULL,
  `username` VARCHAR(255) NULL DEFAULT NULL,
  `ipaddr`   VARCHAR(64)  NULL DEFAULT NULL,
  `command`  TEXT         NULL DEFAULT NULL,
  `details`  TEXT         NULL DEFAULT NULL,
  PRIMARY KEY (`id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;


-- ---------------------------------------------------------------------------
-- version stamp, as at the end of phpIPAM 1.8.2's schema: version 1.82, dbversion 46
-- ---------------------------------------------------------------------------
UPDATE `settings` SET `version` = '1.82' WHERE `id` = 1;
UPDATE `settings` SET `dbversion` = 46 WHERE `id` = 1;
