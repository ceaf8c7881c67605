-- With the counts kept (V502), nothing reads port_state through open_ports any more: a subnet's state is loaded
-- through the primary key's subnet prefix. Every port that opened or closed still moved an entry in it.
ALTER TABLE port_state
    DROP KEY open_ports;
