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
    private final List<java.net.URI> requests = new CopyOnWriteArrayList<>();
    private final List<String> methods = new CopyOnWriteArrayList<>();

    @Override
    public void before(BasicBuilder builder, HttpRequest request, RequestTags tags) {
        String method = request.method();
        synchronized (this) {
            requests.add(request.uri());
            methods.add(method);
        }
        if (!method.equals("GET") && !request.uri().getPath().contains("/leases")) {
            writes.add(method + " " + request.uri().getPath());
        }
    }

    List<String> writes() {
        return List.copyOf(writes);
    }

    /** Every request this client sent (reads and Lease traffic too), as "METHOD uri". */
    synchronized List<String> allRequests() {
        List<String> out = new java.util.ArrayList<>();
        for (int i = 0; i < requests.size(); i++) {
            out.add(methods.get(i) + " " + requests.get(i));
        }
        return out;
    }

    int count() {
        return writes.size();
    }

    void reset() {
        writes.clear();
    }
}
