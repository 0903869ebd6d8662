import type { GraphSimApi, SiteInfo } from './api';

/**
 * Demo content: a SharePoint site "Intranet" with libraries "Documents" and "Policies" (every
 * given user a member with write access) and a OneDrive per user, filled with a few hundred small
 * files in folders. Deterministic: the same inputs give the same names and bytes.
 */
export interface SeededContent {
    site: SiteInfo;
    documentsDriveId: string;
    policiesDriveId: string;
    oneDrives: Record<string, string>;
    fileCount: number;
}

const DEPARTMENTS = ['Finance', 'HR', 'IT', 'Marketing', 'Sales', 'Legal'];
const TOPICS = ['budget', 'plan', 'minutes', 'report', 'notes', 'checklist', 'overview', 'roadmap'];
const EXTENSIONS = ['.txt', '.md', '.csv', '.txt', '.json'];

export function seedDemoContent(api: GraphSimApi, tenantId: string, users: readonly { id: string }[]): SeededContent {
    const members = Object.fromEntries(users.map((u) => [u.id, 'write' as const]));
    const site = api.createSite({ tenantId, name: 'Intranet', description: 'Company intranet', members });
    const documents = api.createLibrary(site.id, 'Documents');
    const policies = api.createLibrary(site.id, 'Policies');
    let fileCount = 0;
    const put = (driveId: string, path: string, text: string): void => {
        api.putFile(driveId, path, text);
        fileCount++;
    };
    DEPARTMENTS.forEach((dept, d) => {
        for (let y = 0; y < 3; y++) {
            const year = 2022 + y;
            for (let i = 0; i < 10; i++) {
                const topic = TOPICS[(d + y + i) % TOPICS.length];
                const ext = EXTENSIONS[(d * 7 + i) % EXTENSIONS.length];
                put(
                    documents.id,
                    `/${dept}/${year}/${topic}-${i + 1}${ext}`,
                    body(`${dept} ${topic} ${year} #${i + 1}`, d * 100 + y * 10 + i),
                );
            }
        }
    });
    for (let i = 0; i < 40; i++) {
        const area = DEPARTMENTS[i % DEPARTMENTS.length];
        put(
            policies.id,
            `/${area}/policy-${String(i + 1).padStart(3, '0')}.md`,
            body(`# ${area} policy ${i + 1}`, 1000 + i),
        );
    }
    put(policies.id, '/Handbook/Employee handbook.docx', body('handbook', 2000));
    put(policies.id, '/Handbook/Code of conduct.pdf', body('conduct', 2001));
    const oneDrives: Record<string, string> = {};
    users.forEach((user, u) => {
        const drive = api.createOneDrive(tenantId, user.id);
        oneDrives[user.id] = drive.id;
        for (let i = 0; i < 20; i++) {
            const folder = ['Desktop', 'Documents', 'Pictures/Trips'][i % 3];
            put(
                drive.id,
                `/${folder}/file-${u + 1}-${i + 1}.txt`,
                body(`personal file ${i + 1} of user ${u + 1}`, 3000 + u * 50 + i),
            );
        }
    });
    return { site, documentsDriveId: documents.id, policiesDriveId: policies.id, oneDrives, fileCount };
}

/** A few lines of deterministic text, 100 bytes to ~3 KiB. */
function body(title: string, n: number): string {
    const lines = [title];
    for (let i = 0; i < (n % 37) + 1; i++)
        lines.push(`line ${i + 1}: ${((n + 1) * 2654435761 * (i + 1)) % 1000003} lorem ipsum dolor sit amet`);
    return lines.join('\n') + '\n';
}
