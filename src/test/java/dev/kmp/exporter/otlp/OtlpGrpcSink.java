package dev.kmp.exporter.otlp;

import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerBuilder;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.stub.ServerCalls;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * A test OTLP/gRPC endpoint: a real grpc-java server (cleartext HTTP/2) serving
 * {@code opentelemetry.proto.collector.metrics.v1.MetricsService/Export}, decoding requests with
 * the official OTLP classes (their artifact has no service stubs, so the method is declared here).
 */
final class OtlpGrpcSink implements AutoCloseable {

    private final Server server;
    private final List<ReceivedExport> received = new CopyOnWriteArrayList<>();
    private final ThreadLocal<Map<String, String>> callHeaders = new ThreadLocal<>();

    OtlpGrpcSink() throws IOException {
        MethodDescriptor<ExportMetricsServiceRequest, ExportMetricsServiceResponse> export =
                MethodDescriptor.<ExportMetricsServiceRequest, ExportMetricsServiceResponse>newBuilder()
                        .setType(MethodDescriptor.MethodType.UNARY)
                        .setFullMethodName("opentelemetry.proto.collector.metrics.v1.MetricsService/Export")
                        .setRequestMarshaller(new ProtoMarshaller<>(ExportMetricsServiceRequest::parseFrom))
                        .setResponseMarshaller(new ProtoMarshaller<>(ExportMetricsServiceResponse::parseFrom))
                        .build();
        ServerServiceDefinition service = ServerServiceDefinition
                .builder("opentelemetry.proto.collector.metrics.v1.MetricsService")
                .addMethod(export, ServerCalls.asyncUnaryCall((request, observer) -> {
                    received.add(new ReceivedExport(callHeaders.get(), request));
                    observer.onNext(ExportMetricsServiceResponse.getDefaultInstance());
                    observer.onCompleted();
                }))
                .build();
        ServerInterceptor headerCapture = new ServerInterceptor() {
            @Override
            public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
                                                               ServerCallHandler<Q, R> next) {
                Map<String, String> h = new TreeMap<>();
                for (String k : headers.keys()) {
                    if (!k.endsWith(Metadata.BINARY_HEADER_SUFFIX)) {
                        h.put(k, headers.get(Metadata.Key.of(k, Metadata.ASCII_STRING_MARSHALLER)));
                    }
                }
                ServerCall.Listener<Q> delegate = next.startCall(call, headers);
                // The unary handler runs in onHalfClose on the same thread: hand it the headers there.
                return new io.grpc.ForwardingServerCallListener.SimpleForwardingServerCallListener<>(delegate) {
                    @Override
                    public void onHalfClose() {
                        callHeaders.set(h);
                        try {
                            super.onHalfClose();
                        } finally {
                            callHeaders.remove();
                        }
                    }
                };
            }
        };
        server = ServerBuilder.forPort(0).addService(ServerInterceptors.intercept(service, headerCapture)).build().start();
    }

    String baseUrl() {
        return "http://127.0.0.1:" + server.getPort();
    }

    List<ReceivedExport> received() {
        return received;
    }

    @Override
    public void close() throws InterruptedException {
        server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }

    private interface Parser<T> {
        T parse(InputStream in) throws IOException;
    }

    private record ProtoMarshaller<T extends com.google.protobuf.MessageLite>(Parser<T> parser)
            implements MethodDescriptor.Marshaller<T> {
        @Override
        public InputStream stream(T value) {
            return value.toByteString().newInput();
        }

        @Override
        public T parse(InputStream stream) {
            try {
                return parser.parse(stream);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
