# The floor for 100 blocks: bash itself spawning `bash -c true` 100 times.
for i in $(seq 1 100); do bash -c true; done
