package io.prometheusrelay.architecture;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/**
 * The rules ARCHITECTURE.md states, one test each, against the main classes of every product
 * module (generated protobuf and gRPC classes included). A rule that fails names the class and the
 * import that break it.
 */
class ArchitectureTests {

	private static final String PIPELINE_CONTRACTS = "io.prometheusrelay.protocol..";

	private static final String RELAY_TRANSPORT = "io.prometheusrelay.transport..";

	private static final String PIPELINE_BOOT = "io.prometheusrelay.pipeline..";

	private static final String DURABLE_LOG = "io.prometheusrelay.log..";

	private static final String TSDB = "io.prometheusrelay.tsdb..";

	private static final String RECEIVER = "io.prometheusrelay.receiver..";

	private static final String FORWARDER = "io.prometheusrelay.forwarder..";

	private static final String API_SERVER = "io.prometheusrelay.apiserver..";

	private static final String GRPC_CLIENT = "io.prometheusrelay.grpcclient..";

	private static final String RSOCKET_WIRE = "io.prometheusrelay.rsocket.wire..";

	private static final String RSOCKET_CLIENT = "io.prometheusrelay.rsocket.client..";

	private static final String PROXY = "io.prometheusrelay.proxy..";

	private static final String STARTER = "io.prometheusrelay.autoconfigure..";

	private static final String DEMO = "io.prometheusrelay.demo..";

	private static final String[] PIPELINE = { PIPELINE_CONTRACTS, DURABLE_LOG, TSDB, RELAY_TRANSPORT, PIPELINE_BOOT,
			RECEIVER, FORWARDER, API_SERVER, GRPC_CLIENT };

	private static final String[] RSOCKET = { RSOCKET_WIRE, RSOCKET_CLIENT, PROXY, STARTER, DEMO };

	private static final String[] TOOLS = { "io.prometheusrelay.testsupport..", "io.prometheusrelay.benchmarks..",
			"io.prometheusrelay.loadclients..", "io.prometheusrelay.it..", "io.prometheusrelay.compat.." };

	private static final String[] NETTY_REACTOR = { "io.netty..", "reactor..", "io.grpc.netty.." };

	private static final String[] SPRING = { "org.springframework.." };

	private static JavaClasses classes;

	@BeforeAll
	static void importProductClasses() {
		classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
			.withImportOption(location -> !location.contains("/architecture-tests/"))
			.importPackages("io.prometheusrelay");
	}

	@Test
	void theTwoHalvesNeverImportEachOther() {
		check(noClasses().that().resideInAnyPackage(PIPELINE).should().dependOnClassesThat().resideInAnyPackage(RSOCKET));
		check(noClasses().that().resideInAnyPackage(RSOCKET).should().dependOnClassesThat().resideInAnyPackage(PIPELINE));
	}

	@Test
	void productCodeNeverImportsATool() {
		check(noClasses().that()
			.resideInAnyPackage(concat(PIPELINE, RSOCKET))
			.should()
			.dependOnClassesThat()
			.resideInAnyPackage(TOOLS));
	}

	@Test
	void theBenchmarksAndTheirLoadStandOnTheirOwnWithoutTestSupport() {
		check(noClasses().that()
			.resideInAnyPackage("io.prometheusrelay.benchmarks..", "io.prometheusrelay.loadclients..")
			.should()
			.dependOnClassesThat()
			.resideInAnyPackage("io.prometheusrelay.testsupport..", "io.prometheusrelay.it..", "org.junit..",
					"org.assertj..", "org.awaitility.."));
		check(noClasses().that()
			.resideInAPackage("io.prometheusrelay.loadclients..")
			.should()
			.dependOnClassesThat()
			.resideInAnyPackage(concat(PIPELINE, RSOCKET)));
	}

	@Test
	void thePipelineContractsHaveNoTransportNoSpringAndNoOtherModule() {
		check(noClasses().that()
			.resideInAPackage(PIPELINE_CONTRACTS)
			.should()
			.dependOnClassesThat()
			.resideInAnyPackage(concat(NETTY_REACTOR, SPRING, new String[] { "io.micrometer.." },
					without(PIPELINE, PIPELINE_CONTRACTS))));
	}

	@Test
	void theRelayTransportKnowsNoSpringAndOnlyTheContracts() {
		check(noClasses().that()
			.resideInAPackage(RELAY_TRANSPORT)
			.should()
			.dependOnClassesThat()
			.resideInAnyPackage(concat(SPRING, without(PIPELINE, PIPELINE_CONTRACTS, RELAY_TRANSPORT))));
	}

	@Test
	void theStorageEngineAndItsLogKnowNoTransportNoSpringAndNoService() {
		String[] frameworks = concat(NETTY_REACTOR, SPRING,
				new String[] { "io.grpc..", "com.google.protobuf..", "io.micrometer.." });
		check(noClasses().that()
			.resideInAPackage(TSDB)
			.should()
			.dependOnClassesThat()
			.resideInAnyPackage(concat(frameworks, without(PIPELINE, TSDB, DURABLE_LOG))));
		check(noClasses().that()
			.resideInAPackage(DURABLE_LOG)
			.should()
			.dependOnClassesThat()
			.resideInAnyPackage(concat(frameworks, without(PIPELINE, DURABLE_LOG))));
	}

	@Test
	void thePipelineBootKnowsNoService() {
		check(noClasses().that()
			.resideInAPackage(PIPELINE_BOOT)
			.should()
			.dependOnClassesThat()
			.resideInAnyPackage(RECEIVER, FORWARDER, API_SERVER, GRPC_CLIENT));
	}

	@Test
	void theServicesNeverImportEachOther() {
		check(noClasses().that().resideInAPackage(RECEIVER).should().dependOnClassesThat()
			.resideInAnyPackage(FORWARDER, API_SERVER, GRPC_CLIENT));
		check(noClasses().that().resideInAPackage(FORWARDER).should().dependOnClassesThat()
			.resideInAnyPackage(RECEIVER, API_SERVER, GRPC_CLIENT));
		check(noClasses().that().resideInAPackage(API_SERVER).should().dependOnClassesThat()
			.resideInAnyPackage(RECEIVER, FORWARDER, GRPC_CLIENT));
	}

	@Test
	void grpcClientSpeaksOnlyTheContracts() {
		check(noClasses().that()
			.resideInAPackage(GRPC_CLIENT)
			.should()
			.dependOnClassesThat()
			.resideInAnyPackage(without(PIPELINE, PIPELINE_CONTRACTS, GRPC_CLIENT)));
	}

	@Test
	void theApiServersStoreKnowsNothingOfHowItIsFedOrRead() {
		check(noClasses().that()
			.resideInAPackage("io.prometheusrelay.apiserver.store..")
			.should()
			.dependOnClassesThat()
			.resideInAnyPackage("io.prometheusrelay.apiserver.grpc..", "io.prometheusrelay.apiserver.catchup..",
					"io.prometheusrelay.apiserver.intake..", "org.springframework..", "io.grpc.."));
	}

	@Test
	void theRSocketWireFormatHasNoTransportNoSpringAndNoOtherModule() {
		check(noClasses().that()
			.resideInAPackage(RSOCKET_WIRE)
			.should()
			.dependOnClassesThat()
			.resideInAnyPackage(concat(NETTY_REACTOR, SPRING, new String[] { "io.rsocket.." },
					without(RSOCKET, RSOCKET_WIRE))));
	}

	@Test
	void theRSocketClientLandsInApplicationsWithoutSpringOrTheProxy() {
		check(noClasses().that()
			.resideInAPackage(RSOCKET_CLIENT)
			.should()
			.dependOnClassesThat()
			.resideInAnyPackage(concat(SPRING, new String[] { PROXY, STARTER, DEMO })));
	}

	@Test
	void theProxyKnowsTheWireFormatNotTheClient() {
		check(noClasses().that().resideInAPackage(PROXY).should().dependOnClassesThat()
			.resideInAnyPackage(RSOCKET_CLIENT, STARTER, DEMO));
	}

	@Test
	void theDemoUsesNothingButTheStarter() {
		check(noClasses().that().resideInAPackage(DEMO).should().dependOnClassesThat()
			.resideInAnyPackage(RSOCKET_WIRE, PROXY));
	}

	@Test
	void packagesOfAModuleFormNoCycles() {
		check(slices().matching("io.prometheusrelay.(*).(*)..").should().beFreeOfCycles());
	}

	private static void check(ArchRule rule) {
		rule.check(classes);
	}

	private static String[] concat(String[]... groups) {
		return java.util.Arrays.stream(groups).flatMap(java.util.Arrays::stream).toArray(String[]::new);
	}

	private static String[] without(String[] group, String... removed) {
		java.util.List<String> kept = new java.util.ArrayList<>(java.util.List.of(group));
		kept.removeAll(java.util.List.of(removed));
		return kept.toArray(String[]::new);
	}

}
