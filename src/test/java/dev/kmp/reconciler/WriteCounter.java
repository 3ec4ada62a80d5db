package dev.kmp.reconciler;

import io.fabric8.kubernetes.client.http.BasicBuilder;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.Interceptor;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Counts the write requests one client sends (POST, PUT, PATCH, DELETE), leaving out the Lease
 * renewals of leader election, so a test can assert that a converged cluster sees no writes.
 */
final class WriteCounter implements Interceptor {
    private final List<String> writes = new CopyOnWriteArrayList<>();

    @Override
    public void before(BasicBuilder builder, HttpRequest request, RequestTags tags) {
        String method = request.method();
        if (!method.equals("GET") && !request.uri().getPath().contains("/leases")) {
            writes.add(method + " " + request.uri().getPath());
        }
    }

    List<String> writes() {
        return List.copyOf(writes);
    }

    int count() {
        return writes.size();
    }

    void reset() {
        writes.clear();
    }
}
