// Builds runbook-shaped Markdown of about `bytes` bytes: sections with prose, checklists, shell
// blocks inside list items, result lines and scenario tables, as real runbooks have them.
export function generateRunbook(bytes, seed = 1) {
  let state = seed;
  const rand = (n) => {
    state = (state * 1103515245 + 12345) & 0x7fffffff;
    return state % n;
  };
  const words = ['primary', 'replica', 'drain', 'rollback', 'latency', 'canary', 'health', 'check', 'node', 'queue', 'the', 'and', 'until', 'within'];
  const sentence = (n) => Array.from({ length: n }, () => words[rand(words.length)]).join(' ');
  const parts = ['---', 'title: Generated runbook', 'env:', '  REGION: eu-west-1', '---', '', '# Generated runbook', ''];
  let size = parts.join('\n').length;
  let section = 0;
  while (size < bytes) {
    section++;
    const chunk = [
      `## Step ${section}: ${sentence(3)}`,
      '',
      `${sentence(20)}. ${sentence(15)} \`kubectl get pods\` and **${sentence(2)}**.`,
      '',
      `- [ ] ${sentence(6)}`,
      `- [x] ${sentence(5)}`,
      `  - [ ] ${sentence(4)}`,
      '',
      `1. ${sentence(5)}:`,
      '',
      `   \`\`\`bash { name=step-${section} timeout=60s }`,
      `   echo "${sentence(4)}" "$REGION"`,
      `   curl -fsS "http://127.0.0.1:8080/health" | grep -q ok`,
      '   ```',
      `   *runbook:* ✅ passed · exit 0 · 0.${rand(90) + 10} s · 2026-11-23T10:00:00Z · alice`,
      '',
      '| ID | Scenario | Started | Observation | Auto-recovery? |',
      '|----|----------|---------|-------------|:--------------:|',
      `| A${section} | ${sentence(3)} | | TBD | [ ] |`,
      `| B${section} | ${sentence(3)} | 10:0${rand(10)} | ${sentence(2)} | ✅ |`,
      '',
      `> ${sentence(12)}`,
      '',
    ].join('\n');
    parts.push(chunk);
    size += chunk.length + 1;
  }
  return parts.join('\n');
}
