package dev.kmp.exporter.otlp;

import io.opentelemetry.common.ComponentLoader;
import java.util.ArrayList;
import java.util.List;

/**
 * Picks the OTel SDK's transport explicitly instead of letting it take whichever it finds first:
 * http/protobuf goes through the JDK's HttpClient, grpc through okhttp (the JDK client cannot
 * speak HTTP/2 without TLS, which OTLP/gRPC to a local agent uses). Both senders are on the
 * classpath, and a wrong pick fails silently at export time.
 */
final class SenderChoice implements ComponentLoader {
    static final String JDK_HTTP = "io.opentelemetry.exporter.sender.jdk.internal.JdkHttpSenderProvider";
    static final String OKHTTP_GRPC = "io.opentelemetry.exporter.sender.okhttp.internal.OkHttpGrpcSenderProvider";

    private final ComponentLoader all = ComponentLoader.forClassLoader(SenderChoice.class.getClassLoader());
    private final String providerClass;

    private SenderChoice(String providerClass) {
        this.providerClass = providerClass;
    }

    static SenderChoice jdkHttp() {
        return new SenderChoice(JDK_HTTP);
    }

    static SenderChoice okHttpGrpc() {
        return new SenderChoice(OKHTTP_GRPC);
    }

    @Override
    public <T> Iterable<T> load(Class<T> type) {
        List<T> found = new ArrayList<>();
        for (T t : all.load(type)) {
            // Only the sender SPIs are narrowed; anything else the SDK loads passes unchanged.
            if (!type.getSimpleName().endsWith("SenderProvider") || t.getClass().getName().equals(providerClass)) {
                found.add(t);
            }
        }
        return found;
    }
}
