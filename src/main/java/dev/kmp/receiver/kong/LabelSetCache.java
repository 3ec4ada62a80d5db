package dev.kmp.receiver.kong;

import dev.kmp.model.LabelNameSets;
import dev.kmp.model.Labels;
import dev.kmp.receiver.kong.StringInterner.InternedString;
import java.util.Arrays;

/**
 * {@link Labels} keyed by the raw bytes of a label block, so that a series seen in the previous
 * scrape gets the very same Labels instance: no decoding, no new arrays, and exporters can
 * compare by identity.
 *
 * <p>The key of a block is its bytes as written, braces included, with the {@code le} pair of a
 * histogram bucket (and one separator next to it) cut out: {@code {a="1",le="5"}} and the
 * {@code _count} line's {@code {a="1"}} share one entry. Each entry keeps its key as one range
 * of a chunk of keys (see placeKey), so checking a candidate is a single range compare, with no
 * pointer chasing through the names and values.
 *
 * <p>Kong writes its series in the same order scrape after scrape: the set found at the same
 * step of the previous scrape is tried first, and only a mismatch pays for hashing and a probe.
 * A line that is not a bucket can even be checked against that guess before its label block is
 * tokenised ({@link #matchGuess}). When a series comes or goes, the set a probe finds next sits a
 * step or a few away in the previous scrape's order, and the guesses follow it from there
 * ({@link #resync}): the rest of the scrape does not fall back to probing.
 *
 * <p>Within one scrape, a run of lines with one sample name (a segment) often lists the label sets
 * of an earlier segment in the same order: a histogram's {@code _count} and {@code _sum} lines
 * repeat the series of its buckets, and Kong's three latency histograms carry the same series.
 * When the previous scrape has no guess (a target's first scrape) or a wrong one, the set at the
 * same step of such a sibling segment is tried before hashing.
 *
 * <p>The hash table is built only when a scrape first needs it: the first time a guess fails
 * ({@link #indexFromOrder}). Until then a set that neither guess nor sibling offers is made anew.
 */
final class LabelSetCache extends GenerationalTable {
    private static final class LabelSet extends Entry {
        // The key is chunk[offset, offset + length), placed by placeKey (and moved by it again).
        byte[] chunk;
        int offset;
        final int length;
        final Labels labels;

        LabelSet(int length, Labels labels) {
            this.length = length;
            this.labels = labels;
        }

        boolean matches(byte[] b, int from, int to) {
            return Arrays.equals(chunk, offset, offset + length, b, from, to); // unequal lengths: false
        }

        int hash() {
            return ByteText.hash(chunk, offset, offset + length);
        }
    }

    private final StringInterner strings;
    /** Every series of a family has the same names: one names array per shape, not per label set. */
    private final LabelNameSets nameSets = new LabelNameSets(4096);
    private Labels extraLabels = Labels.EMPTY;
    private String[] names = new String[16]; // add() writes a new set's names here (Kong's, without the extra labels)
    private Shape shape; // of the latest new sets (see checkShape); null: none checked this scrape
    // The key of the current line, assembled from the block's bytes around the cut-out le pair.
    private byte[] key = new byte[256];
    // The keys of the sets, end to end in chunks (see placeKey), and the sets placed in the current one.
    private static final int CHUNK = 1 << 20;
    private static final int TRIM_SLACK = 4096;
    private byte[] chunk = new byte[0];
    private int chunkUsed;
    private LabelSet[] inChunk = new LabelSet[64];
    private int inChunkCount;
    private long keyBytesAppended; // since the last compaction
    private long liveKeyBytes = -1; // after the last compaction; -1 before the first scrape ended
    private int keyLength;
    private int keyHash; // of the key, once find() had to hash it; add() reuses it
    // The sets of the previous scrape by step, and this scrape's so far (swapped at its end).
    private LabelSet[] previous = new LabelSet[1024];
    private int previousSize;
    private LabelSet[] order = new LabelSet[1024];
    private int lookups;
    // Step k's guess is previous[k + shift]: a series that came or went earlier in this scrape
    // moved the ones after it (see resync).
    private int shift;
    private static final int RESYNC_REACH = 8;
    private int hashLookups; // this scrape's, for tests
    private Labels matched; // of the latest successful matchGuess
    // Whether the hash table holds the sets (see indexFromOrder); until then it is empty.
    private boolean indexed;
    // Sibling segments (see the class comment): where the current segment started, the latest
    // earlier segments (start and length, most recent at ring[latest]), and the one being followed.
    private static final int SEGMENTS = 16;
    private final int[] segmentStarts = new int[SEGMENTS];
    private final int[] segmentLengths = new int[SEGMENTS];
    private int segmentsKept;
    private int latestSegment;
    private int segmentStart;
    private boolean siblingPicked;
    private int siblingStart;
    private int siblingLength;
    // The strings of the pairs of the latest new label set, by index (see part()).
    private InternedString[] lastParts = new InternedString[16];
    private int lastPartCount;

    LabelSetCache(StringInterner strings) {
        this.strings = strings;
    }

    /** Labels built from now on end with these; a change empties the cache. */
    void useExtraLabels(Labels extra) {
        if (!extra.equals(extraLabels)) {
            extraLabels = extra;
            shape = null; // a shape's names array holds the extra labels
            clear();
            indexed = false;
            startChunk(0);
            keyBytesAppended = 0;
            liveKeyBytes = -1;
            Arrays.fill(previous, 0, previousSize, null); // their Labels end with the old extra labels
            previousSize = 0;
        }
    }

    /**
     * Whether the label block starting at {@code b[from]} ('{') is exactly the key guessed for this
     * step; returns the position after its '}', or -1. On a match {@link #matched()} holds its
     * Labels. Only for lines without an le pair to cut out: equal bytes tokenise to equal pairs,
     * so a match needs no tokenising at all.
     */
    int matchGuess(byte[] b, int from, int end) {
        LabelSet guess = guess();
        if (!startsBlock(guess, b, from, end)) {
            guessFailed();
            guess = sibling(b, from, end, true);
            if (guess == null) {
                return -1;
            }
        }
        found(guess);
        matched = guess.labels;
        return from + guess.length;
    }

    /** Whether the block at {@code b[from]} is exactly {@code set}'s key (and maybe more of the line after it). */
    private static boolean startsBlock(LabelSet set, byte[] b, int from, int end) {
        // The key of a line without a block is empty and would match any block: never a guess here.
        return set != null && set.length != 0 && end - from >= set.length
                && Arrays.equals(set.chunk, set.offset, set.offset + set.length, b, from, from + set.length);
    }

    /**
     * A new run of lines with another sample name starts: the run before becomes a candidate
     * sibling for the ones after it.
     */
    void startSegment() {
        int length = lookups - segmentStart;
        if (length > 0) {
            latestSegment = (latestSegment + 1) % SEGMENTS;
            segmentStarts[latestSegment] = segmentStart;
            segmentLengths[latestSegment] = length;
            segmentsKept = Math.min(segmentsKept + 1, SEGMENTS);
        }
        segmentStart = lookups;
        siblingPicked = false;
    }

    /**
     * The set at this step of the sibling segment when it matches the current block (whole: the
     * built key; or as a prefix of the line: the raw block), else null. The first time a segment
     * asks, the latest earlier segment whose set at this step matches becomes its sibling; the
     * first mismatch ends the following, so a segment without a sibling pays for one search only.
     */
    private LabelSet sibling(byte[] b, int from, int to, boolean prefix) {
        int step = lookups - segmentStart;
        if (!siblingPicked) {
            siblingPicked = true;
            siblingStart = -1;
            for (int k = 0, ring = latestSegment; k < segmentsKept; k++, ring = (ring + SEGMENTS - 1) % SEGMENTS) {
                if (step < segmentLengths[ring]) {
                    LabelSet candidate = order[segmentStarts[ring] + step];
                    if (accepts(candidate, b, from, to, prefix)) {
                        siblingStart = segmentStarts[ring];
                        siblingLength = segmentLengths[ring];
                        return candidate;
                    }
                }
            }
            return null;
        }
        if (siblingStart < 0 || step >= siblingLength) {
            return null;
        }
        LabelSet candidate = order[siblingStart + step];
        if (accepts(candidate, b, from, to, prefix)) {
            return candidate;
        }
        siblingStart = -1;
        return null;
    }

    private static boolean accepts(LabelSet set, byte[] b, int from, int to, boolean prefix) {
        return prefix ? startsBlock(set, b, from, to) : set != null && set.matches(b, from, to);
    }

    Labels matched() {
        return matched;
    }

    /**
     * The Labels for the pairs of the current line except index {@code skip} (-1: none), or null
     * when this label set is new; then call {@link #add} after validating the pairs.
     */
    Labels find(byte[] b, LabelPairs pairs, int skip) {
        buildKey(b, pairs, skip);
        LabelSet guess = guess();
        LabelSet set;
        if (guess != null && guess.matches(key, 0, keyLength)) {
            set = guess;
        } else {
            guessFailed();
            set = sibling(key, 0, keyLength, false);
            if (set == null && indexed) {
                keyHash = ByteText.hash(key, 0, keyLength);
                hashLookups++;
                set = lookUp(key, 0, keyLength, keyHash);
                if (set != null) {
                    resync(set);
                }
            }
        }
        if (set == null) {
            return null; // add() records the new set at this step
        }
        found(set);
        return set.labels;
    }

    /**
     * Builds, caches and returns the Labels of the line last given to {@link #find}; null, with
     * nothing cached, when two of its pairs have the same name (the caller says where).
     */
    Labels add(byte[] b, LabelPairs pairs, int skip) {
        int n = pairs.count() - (skip >= 0 ? 1 : 0);
        if (names.length < n) {
            names = new String[Math.max(n, 2 * names.length)];
        }
        int k = 0;
        for (int i = 0; i < pairs.count(); i++) {
            if (i != skip) {
                names[k] = part(2 * k, b, pairs.nameFrom(i), pairs.nameTo(i));
                k++;
            }
        }
        if ((shape == null || !shape.isOf(names, n, skip)) && !checkShape(n, b, pairs, skip)) {
            return null;
        }
        String[] values = new String[shape.names().length];
        k = 0;
        for (int i = 0; i < pairs.count(); i++) {
            if (i != skip) {
                values[k] = part(2 * k + 1, b, pairs.valueFrom(i), pairs.valueTo(i));
                k++;
            }
        }
        for (int e = 0; e < shape.extraAt().length; e++) {
            values[shape.extraAt()[e]] = extraLabels.value(e);
        }
        LabelSet added = new LabelSet(keyLength, Labels.ofArrays(shape.names(), values));
        placeKey(added, key, 0);
        if (indexed) {
            add(added, keyHash);
        }
        record(added);
        return added.labels;
    }

    /**
     * The names of a run of new sets: Kong's ({@code kongNames}, checked to be distinct), whether a
     * pair (the bucket's {@code le}) was skipped, the names array every set of the run shares (the
     * extra labels merged in) and where the extra labels' values go in it.
     */
    private record Shape(String[] kongNames, boolean skipped, String[] names, int[] extraAt) {
        /**
         * Whether the first {@code n} of {@code names} are this shape's, by identity: they are the
         * interner's instances (equal names, one instance). The skipped pair is always the
         * bucket's {@code le}, never among the names.
         */
        boolean isOf(String[] names, int n, int skip) {
            if (n != kongNames.length || (skip >= 0) != skipped) {
                return false;
            }
            for (int i = 0; i < n; i++) {
                if (names[i] != kongNames[i]) {
                    return false;
                }
            }
            return true;
        }
    }

    /**
     * Checks a new shape: whether the first {@code n} of {@link #names} and the skipped pair's name
     * are all different; if so, it becomes {@link #shape}. Once per shape, not per set: checking
     * each new set's pairs against each other, merging the extra labels and comparing the names
     * with the latest set's cost a target's first scrape a few percent at 5000 Kong services.
     */
    private boolean checkShape(int n, byte[] b, LabelPairs pairs, int skip) {
        for (int i = 0; i < n; i++) {
            if (skip >= 0 && lastParts[2 * i].matches(b, pairs.nameFrom(skip), pairs.nameTo(skip))) {
                return false; // lastParts[2 * i] is names[i], just interned (see part)
            }
            for (int j = 0; j < i; j++) {
                if (names[i] == names[j]) {
                    return false;
                }
            }
        }
        // A label Kong wrote under an extra label's name takes the extra's value in its place.
        String[] merged = Arrays.copyOf(names, n + extraLabels.size());
        int[] extraAt = new int[extraLabels.size()];
        int size = n;
        for (int e = 0; e < extraLabels.size(); e++) {
            int at = indexOf(merged, size, extraLabels.name(e));
            if (at < 0) {
                at = size++;
                merged[at] = extraLabels.name(e);
            }
            extraAt[e] = at;
        }
        shape = new Shape(Arrays.copyOf(names, n), skip >= 0,
                nameSets.share(size < merged.length ? Arrays.copyOf(merged, size) : merged), extraAt);
        return true;
    }

    /**
     * The string written as {@code b[from, to)} at index {@code k} of the pairs (name, value, ...):
     * new label sets come in runs sharing most of their names and values (a Kong service's routes,
     * status codes, buckets), so the previous new set's string at the same index is compared
     * first; a different one is most often the string that followed it at that index before
     * ({@link StringInterner#internAfter}), and only then looked up in the interner's table.
     */
    private String part(int k, byte[] b, int from, int to) {
        InternedString last = k < lastPartCount ? lastParts[k] : null; // add() fills names before values
        if (last != null && last.matches(b, from, to)) {
            return last.value;
        }
        InternedString s = last != null ? strings.internAfter(last, b, from, to) : strings.intern(b, from, to);
        if (k >= lastParts.length) {
            lastParts = Arrays.copyOf(lastParts, Math.max(k + 1, lastParts.length * 2));
        }
        lastParts[k] = s;
        lastPartCount = Math.max(lastPartCount, k + 1);
        return s.value;
    }

    void startScrape() {
        nextGeneration();
        shift = 0;
        hashLookups = 0;
        // Interned strings of an earlier scrape may have been swept: start this one's runs afresh.
        Arrays.fill(lastParts, 0, lastPartCount, null);
        lastPartCount = 0;
        shape = null;
        lookups = 0;
        matched = null;
        segmentsKept = 0;
        segmentStart = 0;
        siblingPicked = false;
    }

    void endScrape() {
        sweep();
        matched = null;
        // This scrape's steps are the next one's guesses; the sets only the scrape before had
        // (a scrape that failed half-way has fewer steps) may be swept: a guess must always be in
        // the table, and nothing else holds on to them.
        LabelSet[] before = previous;
        Arrays.fill(before, 0, previousSize, null);
        previous = order;
        previousSize = lookups;
        order = before;
        if (liveKeyBytes < 0) {
            liveKeyBytes = keyBytesAppended; // a first scrape: nearly every key it appended is live
            keyBytesAppended = 0;
        } else if (keyBytesAppended > Math.max(liveKeyBytes, CHUNK)) {
            compactKeys();
        }
        trimChunk();
    }

    /**
     * Copies a set's key to the end of the current chunk (a new one when it is full) and points
     * the set at it.
     *
     * <p>Keys sit end to end in chunks of up to 1 MiB rather than in an array each: a new set costs
     * a copy and no array header, and the collector moves a few large arrays instead of 150k small
     * ones (a target's first scrape at 5000 Kong services: about a tenth less time and collection).
     * A scrape's end trims the current chunk to what it holds ({@link #trimChunk}), so a small
     * target keeps no empty megabyte. The key of a set that is gone stays in its chunk, which lives
     * while any set in it does: once the keys placed since the last compaction outweigh the live
     * ones, {@link #compactKeys} copies the live keys to fresh chunks, so the chunks never hold
     * much more than twice what is live.
     */
    private void placeKey(LabelSet set, byte[] src, int from) {
        int length = set.length;
        if (chunkUsed + length > chunk.length) {
            startChunk(Math.max(CHUNK, length));
        }
        System.arraycopy(src, from, chunk, chunkUsed, length);
        set.chunk = chunk;
        set.offset = chunkUsed;
        chunkUsed += length;
        keyBytesAppended += length;
        if (inChunkCount == inChunk.length) {
            inChunk = Arrays.copyOf(inChunk, inChunkCount * 2);
        }
        inChunk[inChunkCount++] = set;
    }

    private void startChunk(int size) {
        // A new array rather than clearing the old: this runs a few times a scrape, so a clearing
        // loop would run interpreted, and Arrays.fill, shared with other callers, was compiled
        // again and again inside a target's first scrape (its profile had seen other array types).
        inChunk = new LabelSet[Math.max(64, inChunkCount)];
        inChunkCount = 0;
        chunk = new byte[size];
        chunkUsed = 0;
    }

    /** Shrinks the current chunk to the keys it holds when much of it is unused (its sets then point at the copy). */
    private void trimChunk() {
        if (chunk.length - chunkUsed < TRIM_SLACK) {
            return;
        }
        byte[] trimmed = Arrays.copyOf(chunk, chunkUsed);
        for (int i = 0; i < inChunkCount; i++) {
            inChunk[i].chunk = trimmed;
        }
        chunk = trimmed;
    }

    /** Moves the keys of the sets of the latest scrape (every set kept: the table's are among them) to fresh chunks. */
    private void compactKeys() {
        java.util.Set<byte[]> fresh = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        startChunk(0);
        long live = 0;
        for (int k = 0; k < previousSize; k++) {
            LabelSet set = previous[k];
            if (fresh.contains(set.chunk)) {
                continue; // a set met at several steps, moved already
            }
            placeKey(set, set.chunk, set.offset);
            fresh.add(chunk);
            live += set.length;
        }
        liveKeyBytes = live;
        keyBytesAppended = 0;
    }

    /** The bytes of the chunks that hold the keys of the sets kept (for tests: compaction bounds them). */
    long keyChunkBytes() {
        java.util.Set<byte[]> chunks = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        long bytes = 0;
        for (int k = 0; k < previousSize; k++) {
            if (chunks.add(previous[k].chunk)) {
                bytes += previous[k].chunk.length;
            }
        }
        return bytes;
    }

    private void found(LabelSet set) {
        if (indexed) {
            touch(set);
        }
        record(set);
    }

    /** This step's guess: the previous scrape's set at the same step, moved by {@link #shift}. */
    private LabelSet guess() {
        int at = lookups + shift;
        return at >= 0 && at < previousSize ? previous[at] : null;
    }

    /**
     * After a guess failed and the hash table found {@code set}: when the previous scrape had it a
     * few steps away from the guess, series came or went before this one (Kong answered with a new
     * status code, a route went), and the steps after it are guessed that far away too, so the rest
     * of the scrape goes on with one range compare per line instead of a hash and a probe.
     */
    private void resync(LabelSet set) {
        int at = lookups + shift;
        for (int d = 1; d <= RESYNC_REACH; d++) {
            if (at + d < previousSize && previous[at + d] == set) {
                shift += d;
                return;
            }
            if (at - d >= 0 && at - d < previousSize && previous[at - d] == set) {
                shift -= d;
                return;
            }
        }
    }

    private void record(LabelSet set) {
        if (lookups == order.length) {
            order = Arrays.copyOf(order, lookups * 2);
        }
        order[lookups++] = set;
    }

    /**
     * The key of the current line: the block as written, minus the pair {@code skip} with the
     * separator after it (or, for the last pair, the one before it), so the rest stays a valid block.
     */
    private void buildKey(byte[] b, LabelPairs pairs, int skip) {
        int from = pairs.blockFrom();
        int to = pairs.blockTo();
        int cut = to;
        int resume = to;
        if (skip >= 0) {
            cut = pairs.nameFrom(skip);
            resume = pairs.valueTo(skip) + 1; // after the closing quote
            int next = ByteText.skipBlanks(b, resume, to);
            if (b[next] == ',') {
                resume = ByteText.skipBlanks(b, next + 1, to);
            } else if (skip > 0) {
                cut = pairs.valueTo(skip - 1) + 1;
            }
        }
        keyLength = (cut - from) + (to - resume);
        if (key.length < keyLength) {
            key = new byte[Math.max(keyLength, key.length * 2)];
        }
        System.arraycopy(b, from, key, 0, cut - from);
        System.arraycopy(b, resume, key, cut - from, to - resume);
    }

    private static int indexOf(String[] names, int size, String name) {
        for (int i = 0; i < size; i++) {
            if (names[i].equals(name)) {
                return i;
            }
        }
        return -1;
    }

    /** The set in the table whose key is {@code b[from, to)}, or null. */
    private LabelSet lookUp(byte[] b, int from, int to, int hash) {
        for (int slot = firstCandidate(hash); slot >= 0; slot = nextCandidate(slot, hash)) {
            LabelSet set = (LabelSet) entryAt(slot);
            if (set.matches(b, from, to)) {
                return set;
            }
        }
        return null;
    }

    /**
     * This step's set is not the previous scrape's at this step (or that scrape was shorter):
     * from here on sets are looked up by hash, so the table must hold them. Built now, before
     * anything overwrites a step of the previous scrape (see indexFromOrder).
     */
    private void guessFailed() {
        if (!indexed && previousSize > 0) {
            indexFromOrder();
        }
    }

    /**
     * Builds the hash table from the steps, once per target (and again after {@link #useExtraLabels}).
     *
     * <p>A target's first scrape adds tens of thousands of sets, nearly all new, and probing a
     * table of them for each cost it more than anything else it did (at 5000 Kong services, a
     * quarter of a first parse: one cache miss per set in a table of megabytes, and the misses
     * slowed the rest of the parse too). A scrape whose every set is the previous one's at the
     * same step needs no table either. So sets are made without one, sharing only what a sibling
     * segment offers, until the first scrape whose guess fails; then every set is in
     * {@link #previous} or among this scrape's steps so far. Two sets with the same key (a repeat
     * that no sibling caught) become one here: the steps hold the first from then on, so the next
     * scrape hands out one instance.
     */
    private void indexFromOrder() {
        indexed = true;
        reserve(previousSize);
        for (int k = 0; k < previousSize; k++) {
            previous[k] = indexed(previous[k]);
        }
        for (int k = 0; k < lookups; k++) {
            order[k] = indexed(order[k]);
            touch(order[k]); // this scrape's, found before the table existed
        }
    }

    /** The set in the table with {@code set}'s key, which is {@code set} unless the table had one already. */
    private LabelSet indexed(LabelSet set) {
        int hash = set.hash();
        LabelSet same = lookUp(set.chunk, set.offset, set.offset + set.length, hash);
        if (same == null) {
            insert(set, hash);
            return set;
        }
        return same;
    }

    /** How many lines of the latest scrape looked their set up by hash (for tests: the guesses are followed). */
    int hashLookups() {
        return hashLookups;
    }

    /** How many sets are kept: the table's, or before it is built the distinct sets of the steps. */
    int count() {
        if (indexed) {
            return size();
        }
        java.util.Set<LabelSet> distinct = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        distinct.addAll(Arrays.asList(previous).subList(0, previousSize));
        return distinct.size();
    }
}
