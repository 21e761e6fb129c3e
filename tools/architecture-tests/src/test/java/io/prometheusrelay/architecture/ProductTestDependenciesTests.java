package io.prometheusrelay.architecture;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import javax.xml.parsers.DocumentBuilderFactory;

import org.junit.jupiter.api.Test;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The rule ARCHITECTURE.md states for tests: a product's own tests use no other product. A test that
 * needs two (a client against its server, the starter against the proxy) lives in
 * {@code tools/integration-tests}, where both are run as users run them. Read from the poms, since
 * test classes are not what the ArchUnit rules import.
 */
class ProductTestDependenciesTests {

	private static final String GROUP = "io.prometheusrelay";

	/** What a product's tests may use of this project: the test tools, nothing else. */
	private static final Set<String> TEST_TOOLS = Set.of("test-support", "process-harness");

	/**
	 * The one exception, {@code demo-app -> proxy-server}: the demo exists to show the starter against
	 * the proxy, in one JVM. The integration tests' classpath cannot hold that test: there the
	 * pipeline's WebFlux puts a Reactor resource factory in every Boot context, and the first demo
	 * context to close disposes Reactor Netty's global resources under the proxy.
	 */
	private static final Set<String> ALLOWED = Set.of("demo-app -> proxy-server");

	@Test
	void aProductsTestsUseNoOtherProduct() throws Exception {
		List<Path> poms = productPoms();
		assertThat(poms).as("product modules under pipeline/ and rsocket/").hasSizeGreaterThanOrEqualTo(12);
		List<String> violations = new ArrayList<>();
		for (Path pom : poms) {
			for (String artifact : testScopedArtifactsOfThisProject(pom)) {
				String module = pom.getParent().getFileName().toString();
				if (!TEST_TOOLS.contains(artifact) && !ALLOWED.contains(module + " -> " + artifact)) {
					violations.add(repository().relativize(pom) + " uses " + artifact + " in its tests");
				}
			}
		}
		assertThat(violations).as("move these tests to tools/integration-tests").isEmpty();
	}

	private static List<Path> productPoms() throws IOException {
		List<Path> poms = new ArrayList<>();
		for (String half : List.of("pipeline", "rsocket")) {
			try (Stream<Path> modules = Files.list(repository().resolve(half))) {
				modules.map(module -> module.resolve("pom.xml")).filter(Files::isRegularFile).sorted().forEach(poms::add);
			}
		}
		return poms;
	}

	private static List<String> testScopedArtifactsOfThisProject(Path pom) throws Exception {
		Element project = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(pom.toFile()).getDocumentElement();
		List<String> artifacts = new ArrayList<>();
		NodeList dependencies = project.getElementsByTagName("dependency");
		for (int i = 0; i < dependencies.getLength(); i++) {
			Element dependency = (Element) dependencies.item(i);
			if (GROUP.equals(text(dependency, "groupId")) && "test".equals(text(dependency, "scope"))) {
				artifacts.add(text(dependency, "artifactId"));
			}
		}
		return artifacts;
	}

	private static String text(Element parent, String child) {
		NodeList nodes = parent.getElementsByTagName(child);
		return (nodes.getLength() == 0) ? "" : nodes.item(0).getTextContent().trim();
	}

	/** The repository root: this module runs in {@code tools/architecture-tests}. */
	/** The repository's root: tests run in tools/architecture-tests. */
	static Path repository() {
		Path root = Path.of("").toAbsolutePath().getParent().getParent();
		assertThat(root.resolve("pipeline")).isDirectory();
		return root;
	}

}
