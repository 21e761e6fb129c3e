package io.prometheusrelay.it;

import java.util.List;

import org.assertj.core.api.SoftAssertions;

/**
 * The rules every deployment descriptor (docker-compose.yml, the Kubernetes manifests, the local
 * run) is held to, against the one place ports and settings are defined: the applications'
 * {@code @ConfigurationProperties} classes and their defaults, bound by Spring as the applications
 * bind them. Every failure of every rule is reported at once.
 */
final class DeploymentRules {

	private DeploymentRules() {
	}

	/**
	 * Each of our applications reads every variable and argument it is given and listens on the
	 * ports the descriptor declares for it, and every address anything is given reaches a port that
	 * something listens on.
	 */
	static void check(List<DeployedProcess> processes, Topology topology) {
		SoftAssertions rules = new SoftAssertions();
		for (DeployedProcess process : processes) {
			if (process.isOurs()) {
				ServiceSettings settings = process.settings();
				rules.assertThat(settings.ignoredSettings())
					.as("settings %s is given that %s would ignore", process.name(), settings.module)
					.isEmpty();
				if (process.declaredPorts() != null) {
					rules.assertThat(process.declaredPorts())
						.as("the ports declared for %s", process.name())
						.isEqualTo(settings.ports());
				}
			}
		}
		rules.assertThat(topology.unreachable()).as("addresses that reach no one").isEmpty();
		rules.assertAll();
	}

}
