# The README's two commands. Everything else lives in scripts/.
.PHONY: up test build package clean

up:
	@bash scripts/up.sh

test:
	@bash scripts/test.sh

build:
	dotnet build CloudWg.sln -warnaserror

package:
	@bash infra/package.sh

clean:
	dotnet clean CloudWg.sln -v q
	rm -rf artifacts
