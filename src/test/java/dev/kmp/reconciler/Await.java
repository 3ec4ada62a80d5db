package dev.kmp.reconciler;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** Polls a condition every 50 ms up to a deadline; the failure message says what was last seen. */
final class Await {
    static final Duration DEADLINE = Duration.ofSeconds(30);

    private Await() {
    }

    static void until(String what, BooleanSupplier condition) {
        until(what, condition, () -> "");
    }

    static void until(String what, BooleanSupplier condition, Supplier<Object> lastSeen) {
        long end = System.nanoTime() + DEADLINE.toNanos();
        while (true) {
            try {
                if (condition.getAsBoolean()) {
                    return;
                }
            } catch (RuntimeException e) {
                // not there yet (e.g. object not created): keep polling until the deadline
                if (System.nanoTime() > end) {
                    throw new AssertionError("timed out waiting for " + what + ": " + e, e);
                }
            }
            if (System.nanoTime() > end) {
                throw new AssertionError("timed out waiting for " + what + "; last seen: " + lastSeen.get());
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted", e);
            }
        }
    }
}
