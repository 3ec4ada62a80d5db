package dev.kmp.kubernetes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class AddressChangeLogTest {
    @Test
    void answersWhatChangedSinceAVersionOrUnknownOnceItFellOff() {
        AddressChangeLog log = new AddressChangeLog(3);
        assertEquals(Optional.of(Set.of()), log.changedAfter(0), "nothing changed");
        log.add(1, List.of("10.0.0.1"));
        log.add(2, List.of("10.0.0.2", "10.0.0.3"));
        assertEquals(Optional.of(Set.of("10.0.0.1", "10.0.0.2", "10.0.0.3")), log.changedAfter(0));
        assertEquals(Optional.of(Set.of("10.0.0.2", "10.0.0.3")), log.changedAfter(1));
        assertEquals(Optional.of(Set.of()), log.changedAfter(2));
        log.add(3, List.of("10.0.0.4"));
        log.add(4, List.of("10.0.0.5")); // change 1 falls off
        assertTrue(log.changedAfter(0).isEmpty(), "change 1 is no longer known: any address may have moved");
        assertEquals(Optional.of(Set.of("10.0.0.3", "10.0.0.2", "10.0.0.4", "10.0.0.5")), log.changedAfter(1),
                "changes 2-4 are all kept");
        assertEquals(Optional.of(Set.of()), log.changedAfter(7), "a version from the future: nothing newer");
    }
}
