package io.prometheusrelay.log;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

class AtomicFileTests {

	@TempDir
	Path dir;

	@Test
	void replacesTheFileWholeAndLeavesNoTemporaryFileBehind() throws Exception {
		Path file = this.dir.resolve("cursor");
		AtomicFile.write(file, "one".getBytes(StandardCharsets.UTF_8));
		AtomicFile.write(file, "two".getBytes(StandardCharsets.UTF_8));
		assertThat(file).hasContent("two");
		try (var entries = Files.list(this.dir)) {
			assertThat(entries).containsExactly(file);
		}
	}

	@Test
	void aTemporaryFileLeftByACrashIsOverwrittenNotRead() throws Exception {
		Path file = this.dir.resolve("cursor");
		AtomicFile.write(file, "one".getBytes(StandardCharsets.UTF_8));
		Files.writeString(this.dir.resolve("cursor.tmp"), "torn and much longer than what comes next");
		assertThat(file).hasContent("one");
		AtomicFile.write(file, "two".getBytes(StandardCharsets.UTF_8));
		assertThat(file).hasContent("two");
	}

}
