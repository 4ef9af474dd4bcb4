package dev.tidings.webhook.delivery;

import dev.tidings.event.TimeOrderedIds;

import java.util.UUID;

/**
 * Time-ordered ids (UUID version 7) that also increase strictly in the order they are drawn, as
 * PostgreSQL compares uuids (byte by byte, unsigned). Plain version 7 ids drawn within one millisecond
 * are in random order; a recovery's deliveries must sort in log order.
 */
final class RecoveryIds {

    private static final long RANDOM_B = 0x3FFF_FFFF_FFFF_FFFFL;
    private static final long VARIANT = 0x8000_0000_0000_0000L;
    private static final long RANDOM_A = 0xFFFL;
    private static final long VERSION_7 = 0x7000L;

    private UUID last;

    UUID next() {
        UUID id = TimeOrderedIds.next();
        if (last != null && compare(id, last) <= 0) {
            id = successor(last);
        }
        last = id;
        return id;
    }

    /** The next id after {@code id} that is still a valid version 7 id; past the last one of a millisecond, the next millisecond's first. */
    static UUID successor(UUID id) {
        long msb = id.getMostSignificantBits();
        long lsb = id.getLeastSignificantBits();
        if ((lsb & RANDOM_B) != RANDOM_B) {
            return new UUID(msb, lsb + 1);
        }
        if ((msb & RANDOM_A) != RANDOM_A) {
            return new UUID(msb + 1, VARIANT);
        }
        long millis = msb >>> 16;
        return new UUID(((millis + 1) << 16) | VERSION_7, VARIANT);
    }

    /** The database's order: unsigned, most significant bits first. */
    static int compare(UUID a, UUID b) {
        int high = Long.compareUnsigned(a.getMostSignificantBits(), b.getMostSignificantBits());
        return high != 0 ? high : Long.compareUnsigned(a.getLeastSignificantBits(), b.getLeastSignificantBits());
    }
}
