# The README's two commands. Everything else lives in scripts/.
.PHONY: up test build package package-agent clean

up:
	@bash scripts/up.sh

test:
	@bash scripts/test.sh

build:
	dotnet build CloudWg.sln -warnaserror

package:
	@bash infra/package.sh

# The NativeAOT agent tarball that install.sh fetches from /api/agent/downloads/.
package-agent:
	@bash edge-agent/packaging/package.sh

clean:
	dotnet clean CloudWg.sln -v q
	rm -rf artifacts
