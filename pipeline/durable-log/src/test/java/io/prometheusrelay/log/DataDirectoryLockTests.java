package io.prometheusrelay.log;

import java.nio.file.Path;

import io.prometheusrelay.log.DataDirectoryLock.DataDirectoryInUseException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class DataDirectoryLockTests {

	@TempDir
	Path dir;

	@Test
	void aSecondOwnerOfTheDataDirectoryIsRefusedUntilTheFirstLetsGo() throws Exception {
		try (DataDirectoryLock first = DataDirectoryLock.acquire(this.dir, "first")) {
			assertThatExceptionOfType(DataDirectoryInUseException.class)
				.isThrownBy(() -> DataDirectoryLock.acquire(this.dir, "second"))
				.withMessageContaining(this.dir.toString())
				.withMessageContaining("pid " + ProcessHandle.current().pid());
		}
		try (DataDirectoryLock second = DataDirectoryLock.acquire(this.dir, "second")) {
			assertThat(this.dir.resolve(DataDirectoryLock.LOCK_FILE)).exists();
		}
	}

}
