package dev.kmp.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import org.junit.jupiter.api.Test;

class LabelNameSetsTest {
    @Test
    void equalNameListsShareOneArrayAndOthersDoNot() {
        LabelNameSets sets = new LabelNameSets(10);
        String[] first = {"service", "route"};
        assertSame(first, sets.share(first));
        assertSame(first, sets.share(new String[] {"service", "route"}));
        String[] other = {"route", "service"};
        assertSame(other, sets.share(other));
        assertNotSame(first, sets.share(new String[] {"service"}));
        assertEquals(3, sets.size());
    }

    @Test
    void aTableAtItsBoundStartsOver() {
        LabelNameSets sets = new LabelNameSets(2);
        sets.share(new String[] {"a"});
        sets.share(new String[] {"b"});
        String[] c = {"c"};
        assertSame(c, sets.share(c));
        assertEquals(1, sets.size());
    }
}
