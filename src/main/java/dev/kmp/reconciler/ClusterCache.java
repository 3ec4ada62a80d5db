package dev.kmp.reconciler;

import dev.kmp.kubernetes.RetryingInformers;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.MixedOperation;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Informer caches of the three kinds the reconciler reads: extensions, Services and KongPlugins,
 * scoped to {@code reconciler.namespaces} (one informer per namespace, or one for all). Reads never
 * call the API server; every change is handed to {@code onChange} (old and new object on updates).
 */
final class ClusterCache implements AutoCloseable {
    static final ResourceDefinitionContext KONG_PLUGIN = new ResourceDefinitionContext.Builder()
            .withGroup("configuration.konghq.com")
            .withVersion("v1")
            .withKind("KongPlugin")
            .withPlural("kongplugins")
            .withNamespaced(true)
            .build();

    private final Informed<DataPlaneMetricsExtension> extensions;
    private final Informed<Service> services;
    private final Informed<GenericKubernetesResource> plugins;

    ClusterCache(KubernetesClient client, List<String> namespaces, Duration resync, Consumer<HasMetadata> onChange) {
        // Level-triggered: a periodic resync re-offers every object, so drift is repaired even without events.
        long resyncMillis = resync.toMillis();
        extensions = new Informed<>(namespaces, onChange, ns -> scoped(client.resources(DataPlaneMetricsExtension.class), ns, resyncMillis));
        services = new Informed<>(namespaces, onChange, ns -> scoped(client.services(), ns, resyncMillis));
        plugins = new Informed<>(namespaces, onChange, ns -> scoped(client.genericKubernetesResources(KONG_PLUGIN), ns, resyncMillis));
    }

    private static <T extends HasMetadata, L> SharedIndexInformer<T> scoped(
            MixedOperation<T, L, ? extends Resource<T>> op, String namespace, long resyncMillis) {
        return namespace == null
                ? op.inAnyNamespace().runnableInformer(resyncMillis)
                : op.inNamespace(namespace).runnableInformer(resyncMillis);
    }

    void start() {
        extensions.start();
        services.start();
        plugins.start();
    }

    boolean synced() {
        return extensions.synced() && services.synced() && plugins.synced();
    }

    List<DataPlaneMetricsExtension> extensions(String namespace) {
        return extensions.inNamespace(namespace);
    }

    List<DataPlaneMetricsExtension> allExtensions() {
        return extensions.all();
    }

    DataPlaneMetricsExtension extension(String namespace, String name) {
        return extensions.get(namespace, name);
    }

    List<Service> services(String namespace) {
        return services.inNamespace(namespace);
    }

    GenericKubernetesResource plugin(String namespace, String name) {
        return plugins.get(namespace, name);
    }

    List<GenericKubernetesResource> plugins(String namespace) {
        return plugins.inNamespace(namespace);
    }

    @Override
    public void close() {
        extensions.close();
        services.close();
        plugins.close();
    }

    /** One kind, one informer per watched namespace (or a single one for all namespaces). */
    private static final class Informed<T extends HasMetadata> {
        private final List<SharedIndexInformer<T>> informers = new ArrayList<>();

        Informed(List<String> namespaces, Consumer<HasMetadata> onChange,
                 Function<String, SharedIndexInformer<T>> create) {
            List<String> scopes = namespaces.isEmpty() ? java.util.Collections.singletonList(null) : namespaces;
            for (String ns : scopes) {
                SharedIndexInformer<T> informer = create.apply(ns);
                informer.addEventHandler(new ResourceEventHandler<T>() {
                    @Override
                    public void onAdd(T obj) {
                        onChange.accept(obj);
                    }

                    @Override
                    public void onUpdate(T oldObj, T newObj) {
                        onChange.accept(oldObj);
                        onChange.accept(newObj);
                    }

                    @Override
                    public void onDelete(T obj, boolean deletedFinalStateUnknown) {
                        onChange.accept(obj);
                    }
                });
                informers.add(RetryingInformers.keepRetrying(informer, "reconciler"));
            }
        }

        void start() {
            informers.forEach(SharedIndexInformer::start);
        }

        boolean synced() {
            return informers.stream().allMatch(SharedIndexInformer::hasSynced);
        }

        List<T> inNamespace(String namespace) {
            List<T> out = new ArrayList<>();
            for (SharedIndexInformer<T> i : informers) {
                out.addAll(i.getIndexer().byIndex(Cache.NAMESPACE_INDEX, namespace));
            }
            return out;
        }

        List<T> all() {
            List<T> out = new ArrayList<>();
            informers.forEach(i -> out.addAll(i.getStore().list()));
            return out;
        }

        T get(String namespace, String name) {
            String key = Cache.namespaceKeyFunc(namespace, name);
            for (SharedIndexInformer<T> i : informers) {
                T t = i.getStore().getByKey(key);
                if (t != null) {
                    return t;
                }
            }
            return null;
        }

        void close() {
            informers.forEach(SharedIndexInformer::close);
        }
    }
}
