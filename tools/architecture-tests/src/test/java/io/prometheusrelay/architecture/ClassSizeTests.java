package io.prometheusrelay.architecture;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The size rule ARCHITECTURE.md states: no class of ours, main or test, over 300 lines unless its
 * javadoc says why, in the words {@value #REASON}. A long file is usually two jobs; the sentence
 * makes its author say which one job it is. Read from the sources, since line counts are not in the
 * class files.
 */
class ClassSizeTests {

	static final int LIMIT = 300;

	static final String REASON = "Longer than this project's usual 300 lines on purpose";

	@Test
	void noClassIsOverThreeHundredLinesWithoutSayingWhy() throws IOException {
		List<Path> sources = sources();
		assertThat(sources).as("Java sources under pipeline/, rsocket/ and tools/").hasSizeGreaterThan(300);
		List<String> unexplained = sources.stream()
			.filter(ClassSizeTests::isLongWithoutReason)
			.map(source -> ProductTestDependenciesTests.repository().relativize(source) + " (" + lines(source) + " lines)")
			.toList();
		assertThat(unexplained).as("split these, or say in their javadoc: \"" + REASON + ": ...\"").isEmpty();
	}

	private static boolean isLongWithoutReason(Path source) {
		try {
			// Javadoc wraps where it likes: its lines are read as one.
			return lines(source) > LIMIT
					&& !Files.readString(source).replaceAll("\\s*\\R\\s*\\*\\s*", " ").contains(REASON);
		}
		catch (IOException ex) {
			throw new IllegalStateException(source.toString(), ex);
		}
	}

	private static long lines(Path source) {
		try (Stream<String> lines = Files.lines(source)) {
			return lines.count();
		}
		catch (IOException ex) {
			throw new IllegalStateException(source.toString(), ex);
		}
	}

	/** Every .java file we wrote: under a module's src/, not generated into target/. */
	private static List<Path> sources() throws IOException {
		Path root = ProductTestDependenciesTests.repository();
		try (Stream<Path> files = Stream.of("pipeline", "rsocket", "tools").flatMap(half -> walk(root.resolve(half)))) {
			return files.filter(file -> file.toString().endsWith(".java"))
				.filter(file -> file.toString().contains("/src/") && !file.toString().contains("/target/"))
				.sorted()
				.toList();
		}
	}

	private static Stream<Path> walk(Path directory) {
		try {
			return Files.walk(directory);
		}
		catch (IOException ex) {
			throw new IllegalStateException(directory.toString(), ex);
		}
	}

}
