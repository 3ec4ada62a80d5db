package dev.kmp.processor.k8s;

import dev.kmp.config.ConfigNode;
import dev.kmp.pipeline.ComponentContext;
import dev.kmp.pipeline.ComponentFactory;

/** Type {@code k8sattributes}: Kong service names to Kubernetes objects, plus the data-plane pod's metadata. */
public final class K8sAttributesProcessorFactory implements ComponentFactory<K8sAttributesConfig, K8sAttributesProcessor> {
    @Override
    public String type() {
        return "k8sattributes";
    }

    @Override
    public K8sAttributesConfig parseConfig(ConfigNode node) {
        String labels = node.oneOf("labels", K8sAttributesConfig.KGO, K8sAttributesConfig.KGO);
        String unresolved = node.oneOf("unresolved", K8sAttributesConfig.KEEP, K8sAttributesConfig.KEEP, K8sAttributesConfig.DROP);
        return new K8sAttributesConfig(labels, unresolved);
    }

    @Override
    public K8sAttributesProcessor create(String id, K8sAttributesConfig config, ComponentContext context) {
        if (context.clusterCache().isEmpty()) {
            System.getLogger(K8sAttributesProcessor.class.getName()).log(System.Logger.Level.WARNING,
                    "{0}: no Kubernetes API: only Admin API tags can resolve Kong services", id);
        }
        return new K8sAttributesProcessor(config,
                new KongServiceResolver(context.clusterCache(), context.serviceTags()),
                context.clusterCache(), context.selfMetrics());
    }
}
