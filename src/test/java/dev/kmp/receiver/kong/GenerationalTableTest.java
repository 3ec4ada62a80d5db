package dev.kmp.receiver.kong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The open-addressing tables compare one byte of the hash before the key: only the key decides. */
class GenerationalTableTest {
    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void onlyTheTopByteOfTheHashIsATag() {
        long slot = ((long) 0xAB12_3456 << 32) | 7;
        assertTrue(GenerationalTable.sameTag(slot, 0xAB00_0000));
        assertTrue(GenerationalTable.sameTag(slot, 0xABFF_FFFF));
        assertFalse(GenerationalTable.sameTag(slot, 0xAA12_3456));
    }

    @Test
    void manyKeysSharingTagsEachFindTheirOwnEntryAcrossGenerations() {
        StringInterner interner = new StringInterner(Escapes.LABEL_VALUE);
        // 20,000 keys over 256 tags: every tag is shared by dozens of keys of equal length.
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < 20_000; i++) {
            keys.add(String.format("svc-%05d", i));
        }
        Map<String, String> first = new HashMap<>();
        Map<Integer, Integer> keysPerTag = new HashMap<>();
        for (String k : keys) {
            byte[] b = bytes(k);
            String v = interner.intern(b, 0, b.length).value;
            assertEquals(k, v);
            first.put(k, v);
            keysPerTag.merge(ByteText.hash(b, 0, b.length) >>> 24, 1, Integer::sum);
        }
        assertTrue(keysPerTag.values().stream().allMatch(n -> n > 1), "tags are shared");
        assertEquals(keys.size(), interner.size());

        // The next scrape keeps the even keys only: they stay the same instances, the odd go.
        interner.nextGeneration();
        for (int i = 0; i < keys.size(); i += 2) {
            byte[] b = bytes(keys.get(i));
            assertSame(first.get(keys.get(i)), interner.intern(b, 0, b.length).value, keys.get(i));
        }
        assertEquals(keys.size() / 2, interner.sweep());
        for (int i = 0; i < keys.size(); i++) {
            byte[] b = bytes(keys.get(i));
            assertEquals(i % 2 == 0, interner.contains(b), keys.get(i));
        }
        byte[] odd = bytes(keys.get(1));
        String again = interner.intern(odd, 0, odd.length).value;
        assertEquals(keys.get(1), again);
        assertNotSame(first.get(keys.get(1)), again, "a swept key is interned anew");
    }

    @Test
    void aFewKeysGoneAtATimeLeaveEveryOtherFoundScrapeAfterScrape() {
        StringInterner interner = new StringInterner(Escapes.LABEL_VALUE);
        java.util.Random random = new java.util.Random(7);
        Map<String, String> live = new HashMap<>();
        int next = 0;
        for (; next < 3000; next++) {
            String k = "k-" + next;
            byte[] b = bytes(k);
            live.put(k, interner.intern(b, 0, b.length).value);
        }
        // 400 scrapes, each without a few of the keys and with a few new ones: the few are taken
        // out in place (holes in the dense array), and every so often the table is rebuilt.
        for (int scrape = 0; scrape < 400; scrape++) {
            interner.nextGeneration();
            List<String> keys = new ArrayList<>(live.keySet());
            java.util.Collections.shuffle(keys, random);
            int drop = 1 + random.nextInt(4);
            for (String k : keys.subList(0, drop)) {
                live.remove(k);
            }
            for (String k : live.keySet()) {
                byte[] b = bytes(k);
                assertSame(live.get(k), interner.intern(b, 0, b.length).value, k);
            }
            for (int i = 0; i < drop; i++, next++) {
                String k = "k-" + next;
                byte[] b = bytes(k);
                live.put(k, interner.intern(b, 0, b.length).value);
            }
            assertEquals(drop, interner.sweep(), "scrape " + scrape);
            assertEquals(live.size(), interner.size());
            for (String k : keys.subList(0, drop)) {
                assertFalse(interner.contains(bytes(k)), k);
            }
        }
        for (Map.Entry<String, String> e : live.entrySet()) {
            byte[] b = bytes(e.getKey());
            assertTrue(interner.contains(b), e.getKey());
            assertSame(e.getValue(), interner.intern(b, 0, b.length).value, e.getKey());
        }
    }

    @Test
    void aSuccessorIsTheTablesOwnStringAndNeverOneTheTableDropped() {
        StringInterner interner = new StringInterner(Escapes.LABEL_VALUE);
        byte[] a = bytes("svc-a");
        byte[] b = bytes("svc-b");
        byte[] c = bytes("svc-c");
        StringInterner.InternedString sa = interner.intern(a, 0, a.length);
        StringInterner.InternedString sb = interner.internAfter(sa, b, 0, b.length);
        assertSame(sb, interner.intern(b, 0, b.length), "what followed is the interned string");
        // The next family lists the same values in the same order: the successor is the same instance.
        assertSame(sb, interner.internAfter(sa, b, 0, b.length));
        // Another value after svc-a: looked up, and it follows svc-a from now on.
        StringInterner.InternedString sc = interner.internAfter(sa, c, 0, c.length);
        assertSame(sc, interner.intern(c, 0, c.length));
        assertSame(sc, interner.internAfter(sa, c, 0, c.length));

        // A scrape without svc-c drops it; the link from svc-a must not bring the dropped string back.
        interner.nextGeneration();
        interner.intern(a, 0, a.length);
        interner.intern(b, 0, b.length);
        assertEquals(1, interner.sweep());
        StringInterner.InternedString again = interner.internAfter(sa, c, 0, c.length);
        assertNotSame(sc, again, "svc-c is interned anew");
        assertSame(again, interner.intern(c, 0, c.length), "and the table holds the string handed out");
        assertEquals(3, interner.size());

        // Rules for escapes changed: everything interned is dropped, links included.
        interner.useEscapes(Escapes.HELP_TEXT);
        assertNotSame(sb, interner.internAfter(sa, b, 0, b.length));
        assertEquals(1, interner.size());
    }
}
