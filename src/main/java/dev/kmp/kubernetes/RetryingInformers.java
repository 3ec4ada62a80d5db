package dev.kmp.kubernetes;

import io.fabric8.kubernetes.client.informers.ExceptionHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.util.concurrent.atomic.AtomicLong;

/**
 * fabric8 informers give up for good when their first list or watch fails (an API server that is
 * not reachable yet when the service starts), while client-go keeps retrying. This handler makes
 * ours keep retrying too, at any stage; the cause is logged when it starts and then every
 * hundredth retry, so an outage does not flood the log.
 */
public final class RetryingInformers {
    private static final System.Logger LOG = System.getLogger(RetryingInformers.class.getName());

    private RetryingInformers() {
    }

    /** Sets the retry-always handler on {@code informer} (before it is started) and returns it. */
    public static <T> SharedIndexInformer<T> keepRetrying(SharedIndexInformer<T> informer, String kind) {
        AtomicLong failures = new AtomicLong();
        ExceptionHandler handler = (started, error) -> {
            long n = failures.incrementAndGet();
            if (n == 1 || n % 100 == 0) {
                LOG.log(System.Logger.Level.WARNING, "{0} informer {1} (failure {2}), retrying: {3}", kind,
                        started ? "lost its watch" : "could not list", n, error.getMessage());
            }
            return true;
        };
        return informer.exceptionHandler(handler);
    }
}
