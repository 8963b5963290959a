export namespace view {
	
	export enum ErrorKind {
	    Auth = "auth",
	    BadResponse = "bad_response",
	    Busy = "busy",
	    Canceled = "canceled",
	    Config = "config",
	    Credits = "credits",
	    Elsewhere = "elsewhere",
	    Error = "error",
	    Invalid = "invalid",
	    InvalidRequest = "invalid_request",
	    Network = "network",
	    NewerVersion = "newer_version",
	    NotFound = "not_found",
	    Permission = "permission",
	    Premium = "premium",
	    RateLimit = "rate_limit",
	    Server = "server",
	    Storage = "storage",
	    Timeout = "timeout",
	    Truncated = "truncated",
	    Unavailable = "unavailable",
	}
	export class AppInfo {
	    name: string;
	    version: string;
	    shell: string;
	
	    static createFrom(source: any = {}) {
	        return new AppInfo(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.name = source["name"];
	        this.version = source["version"];
	        this.shell = source["shell"];
	    }
	}
	export class Appearance {
	    theme: string;
	    fontSize: number;
	
	    static createFrom(source: any = {}) {
	        return new Appearance(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.theme = source["theme"];
	        this.fontSize = source["fontSize"];
	    }
	}
	export class Attachment {
	    id: string;
	    name: string;
	    mime: string;
	    size: number;
	    kind: string;
	
	    static createFrom(source: any = {}) {
	        return new Attachment(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.id = source["id"];
	        this.name = source["name"];
	        this.mime = source["mime"];
	        this.size = source["size"];
	        this.kind = source["kind"];
	    }
	}
	export class AttachmentData {
	    id: string;
	    mime: string;
	    data: string;
	
	    static createFrom(source: any = {}) {
	        return new AttachmentData(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.id = source["id"];
	        this.mime = source["mime"];
	        this.data = source["data"];
	    }
	}
	export class Timing {
	    firstTokenMs?: number;
	    totalMs?: number;
	
	    static createFrom(source: any = {}) {
	        return new Timing(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.firstTokenMs = source["firstTokenMs"];
	        this.totalMs = source["totalMs"];
	    }
	}
	export class Usage {
	    promptTokens: number;
	    completionTokens: number;
	    totalTokens: number;
	
	    static createFrom(source: any = {}) {
	        return new Usage(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.promptTokens = source["promptTokens"];
	        this.completionTokens = source["completionTokens"];
	        this.totalTokens = source["totalTokens"];
	    }
	}
	export class ErrorInfo {
	    message: string;
	    kind?: ErrorKind;
	    status?: number;
	    requestId?: string;
	    retryable?: boolean;
	
	    static createFrom(source: any = {}) {
	        return new ErrorInfo(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.message = source["message"];
	        this.kind = source["kind"];
	        this.status = source["status"];
	        this.requestId = source["requestId"];
	        this.retryable = source["retryable"];
	    }
	}
	export class Message {
	    id: string;
	    parentId: string;
	    role: string;
	    content: string;
	    reasoning: string;
	    status: string;
	    error?: ErrorInfo;
	    finishReason?: string;
	    usage?: Usage;
	    timing?: Timing;
	    model?: string;
	    createdAt: string;
	    alternatives: string[];
	    alternative: number;
	    continuable: boolean;
	    attachments: Attachment[];
	
	    static createFrom(source: any = {}) {
	        return new Message(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.id = source["id"];
	        this.parentId = source["parentId"];
	        this.role = source["role"];
	        this.content = source["content"];
	        this.reasoning = source["reasoning"];
	        this.status = source["status"];
	        this.error = this.convertValues(source["error"], ErrorInfo);
	        this.finishReason = source["finishReason"];
	        this.usage = this.convertValues(source["usage"], Usage);
	        this.timing = this.convertValues(source["timing"], Timing);
	        this.model = source["model"];
	        this.createdAt = source["createdAt"];
	        this.alternatives = source["alternatives"];
	        this.alternative = source["alternative"];
	        this.continuable = source["continuable"];
	        this.attachments = this.convertValues(source["attachments"], Attachment);
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	export class Params {
	    temperature?: number;
	    topP?: number;
	    maxTokens?: number;
	    presencePenalty?: number;
	    frequencyPenalty?: number;
	    maxLoops?: number;
	
	    static createFrom(source: any = {}) {
	        return new Params(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.temperature = source["temperature"];
	        this.topP = source["topP"];
	        this.maxTokens = source["maxTokens"];
	        this.presencePenalty = source["presencePenalty"];
	        this.frequencyPenalty = source["frequencyPenalty"];
	        this.maxLoops = source["maxLoops"];
	    }
	}
	export class Conversation {
	    id: string;
	    title: string;
	    createdAt: string;
	    updatedAt: string;
	    pinned: boolean;
	    archived: boolean;
	    providerId: string;
	    model: string;
	    systemPrompt?: string;
	    params: Params;
	    messages: Message[];
	
	    static createFrom(source: any = {}) {
	        return new Conversation(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.id = source["id"];
	        this.title = source["title"];
	        this.createdAt = source["createdAt"];
	        this.updatedAt = source["updatedAt"];
	        this.pinned = source["pinned"];
	        this.archived = source["archived"];
	        this.providerId = source["providerId"];
	        this.model = source["model"];
	        this.systemPrompt = source["systemPrompt"];
	        this.params = this.convertValues(source["params"], Params);
	        this.messages = this.convertValues(source["messages"], Message);
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	export class ConversationOptions {
	    providerId: string;
	    model: string;
	    systemPrompt?: string;
	    params: Params;
	
	    static createFrom(source: any = {}) {
	        return new ConversationOptions(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.providerId = source["providerId"];
	        this.model = source["model"];
	        this.systemPrompt = source["systemPrompt"];
	        this.params = this.convertValues(source["params"], Params);
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	export class Summary {
	    id: string;
	    title: string;
	    createdAt: string;
	    updatedAt: string;
	    pinned: boolean;
	    archived: boolean;
	    providerId: string;
	    model: string;
	    messageCount: number;
	    preview: string;
	
	    static createFrom(source: any = {}) {
	        return new Summary(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.id = source["id"];
	        this.title = source["title"];
	        this.createdAt = source["createdAt"];
	        this.updatedAt = source["updatedAt"];
	        this.pinned = source["pinned"];
	        this.archived = source["archived"];
	        this.providerId = source["providerId"];
	        this.model = source["model"];
	        this.messageCount = source["messageCount"];
	        this.preview = source["preview"];
	    }
	}
	export class ConversationPage {
	    items: Summary[];
	    total: number;
	    more: boolean;
	
	    static createFrom(source: any = {}) {
	        return new ConversationPage(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.items = this.convertValues(source["items"], Summary);
	        this.total = source["total"];
	        this.more = source["more"];
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	export class Credits {
	    credit: number;
	    freeCredit: number;
	    referralCredits: number;
	    totalCredits: number;
	
	    static createFrom(source: any = {}) {
	        return new Credits(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.credit = source["credit"];
	        this.freeCredit = source["freeCredit"];
	        this.referralCredits = source["referralCredits"];
	        this.totalCredits = source["totalCredits"];
	    }
	}
	export class Defaults {
	    providerId: string;
	    model: string;
	    params: Params;
	    systemPrompt: string;
	    historyLimit: number;
	    stream: boolean;
	
	    static createFrom(source: any = {}) {
	        return new Defaults(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.providerId = source["providerId"];
	        this.model = source["model"];
	        this.params = this.convertValues(source["params"], Params);
	        this.systemPrompt = source["systemPrompt"];
	        this.historyLimit = source["historyLimit"];
	        this.stream = source["stream"];
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	
	export class ExportResult {
	    saved: boolean;
	    where: string;
	    count: number;
	
	    static createFrom(source: any = {}) {
	        return new ExportResult(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.saved = source["saved"];
	        this.where = source["where"];
	        this.count = source["count"];
	    }
	}
	export class FieldError {
	    path: string;
	    message: string;
	    warning: boolean;
	
	    static createFrom(source: any = {}) {
	        return new FieldError(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.path = source["path"];
	        this.message = source["message"];
	        this.warning = source["warning"];
	    }
	}
	export class Segment {
	    text: string;
	    match: boolean;
	
	    static createFrom(source: any = {}) {
	        return new Segment(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.text = source["text"];
	        this.match = source["match"];
	    }
	}
	export class Hit {
	    id: string;
	    title: string;
	    createdAt: string;
	    updatedAt: string;
	    pinned: boolean;
	    archived: boolean;
	    providerId: string;
	    model: string;
	    messageCount: number;
	    preview: string;
	    messageId: string;
	    snippet: Segment[];
	
	    static createFrom(source: any = {}) {
	        return new Hit(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.id = source["id"];
	        this.title = source["title"];
	        this.createdAt = source["createdAt"];
	        this.updatedAt = source["updatedAt"];
	        this.pinned = source["pinned"];
	        this.archived = source["archived"];
	        this.providerId = source["providerId"];
	        this.model = source["model"];
	        this.messageCount = source["messageCount"];
	        this.preview = source["preview"];
	        this.messageId = source["messageId"];
	        this.snippet = this.convertValues(source["snippet"], Segment);
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	export class ImportSkip {
	    source: string;
	    index: number;
	    title: string;
	    reason: string;
	
	    static createFrom(source: any = {}) {
	        return new ImportSkip(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.source = source["source"];
	        this.index = source["index"];
	        this.title = source["title"];
	        this.reason = source["reason"];
	    }
	}
	export class ImportedItem {
	    id: string;
	    title: string;
	    source: string;
	    messages: number;
	    notes: string[];
	    replaced: boolean;
	
	    static createFrom(source: any = {}) {
	        return new ImportedItem(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.id = source["id"];
	        this.title = source["title"];
	        this.source = source["source"];
	        this.messages = source["messages"];
	        this.notes = source["notes"];
	        this.replaced = source["replaced"];
	    }
	}
	export class ImportResult {
	    chosen: boolean;
	    kind: string;
	    imported: ImportedItem[];
	    skipped: ImportSkip[];
	    moreSkipped: number;
	    ignored: number;
	    alreadyImported: number;
	    attachments: number;
	    summary: string;
	    details: string[];
	
	    static createFrom(source: any = {}) {
	        return new ImportResult(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.chosen = source["chosen"];
	        this.kind = source["kind"];
	        this.imported = this.convertValues(source["imported"], ImportedItem);
	        this.skipped = this.convertValues(source["skipped"], ImportSkip);
	        this.moreSkipped = source["moreSkipped"];
	        this.ignored = source["ignored"];
	        this.alreadyImported = source["alreadyImported"];
	        this.attachments = source["attachments"];
	        this.summary = source["summary"];
	        this.details = source["details"];
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	
	
	export class KeyStatus {
	    set: boolean;
	    source: string;
	    envVar?: string;
	    hint?: string;
	    sessionOnly: boolean;
	    reason?: string;
	
	    static createFrom(source: any = {}) {
	        return new KeyStatus(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.set = source["set"];
	        this.source = source["source"];
	        this.envVar = source["envVar"];
	        this.hint = source["hint"];
	        this.sessionOnly = source["sessionOnly"];
	        this.reason = source["reason"];
	    }
	}
	export class KeyStorage {
	    switchable: boolean;
	    remembered: boolean;
	    warning?: string;
	
	    static createFrom(source: any = {}) {
	        return new KeyStorage(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.switchable = source["switchable"];
	        this.remembered = source["remembered"];
	        this.warning = source["warning"];
	    }
	}
	export class LoadReport {
	    missing: boolean;
	    corruptPath?: string;
	    corruptReason?: string;
	    migratedFrom: number;
	    backupPath?: string;
	    newerVersion: boolean;
	    problems: FieldError[];
	    notes: string[];
	
	    static createFrom(source: any = {}) {
	        return new LoadReport(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.missing = source["missing"];
	        this.corruptPath = source["corruptPath"];
	        this.corruptReason = source["corruptReason"];
	        this.migratedFrom = source["migratedFrom"];
	        this.backupPath = source["backupPath"];
	        this.newerVersion = source["newerVersion"];
	        this.problems = this.convertValues(source["problems"], FieldError);
	        this.notes = source["notes"];
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	
	
	export class Preset {
	    preset: string;
	    id: string;
	    name: string;
	    baseUrl: string;
	    auth: string;
	    supportsMaxLoops: boolean;
	
	    static createFrom(source: any = {}) {
	        return new Preset(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.preset = source["preset"];
	        this.id = source["id"];
	        this.name = source["name"];
	        this.baseUrl = source["baseUrl"];
	        this.auth = source["auth"];
	        this.supportsMaxLoops = source["supportsMaxLoops"];
	    }
	}
	export class Provider {
	    id: string;
	    name: string;
	    preset: string;
	    baseUrl: string;
	    auth: string;
	    headers: Record<string, string>;
	    extraBody: Record<string, string>;
	    models: string[];
	    modelsFetchedAt: string;
	    defaultModel: string;
	    supportsMaxLoops: boolean;
	
	    static createFrom(source: any = {}) {
	        return new Provider(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.id = source["id"];
	        this.name = source["name"];
	        this.preset = source["preset"];
	        this.baseUrl = source["baseUrl"];
	        this.auth = source["auth"];
	        this.headers = source["headers"];
	        this.extraBody = source["extraBody"];
	        this.models = source["models"];
	        this.modelsFetchedAt = source["modelsFetchedAt"];
	        this.defaultModel = source["defaultModel"];
	        this.supportsMaxLoops = source["supportsMaxLoops"];
	    }
	}
	export class RateWindow {
	    count: number;
	    limit: number;
	    exceeded: boolean;
	    remaining: number;
	    resetTime: string;
	
	    static createFrom(source: any = {}) {
	        return new RateWindow(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.count = source["count"];
	        this.limit = source["limit"];
	        this.exceeded = source["exceeded"];
	        this.remaining = source["remaining"];
	        this.resetTime = source["resetTime"];
	    }
	}
	export class RateLimits {
	    minute: RateWindow;
	    hour: RateWindow;
	    day: RateWindow;
	    tier: string;
	
	    static createFrom(source: any = {}) {
	        return new RateLimits(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.minute = this.convertValues(source["minute"], RateWindow);
	        this.hour = this.convertValues(source["hour"], RateWindow);
	        this.day = this.convertValues(source["day"], RateWindow);
	        this.tier = source["tier"];
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	
	export class SearchPage {
	    items: Hit[];
	    total: number;
	    more: boolean;
	    capped: boolean;
	
	    static createFrom(source: any = {}) {
	        return new SearchPage(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.items = this.convertValues(source["items"], Hit);
	        this.total = source["total"];
	        this.more = source["more"];
	        this.capped = source["capped"];
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	
	export class Settings {
	    providers: Provider[];
	    defaults: Defaults;
	    appearance: Appearance;
	
	    static createFrom(source: any = {}) {
	        return new Settings(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.providers = this.convertValues(source["providers"], Provider);
	        this.defaults = this.convertValues(source["defaults"], Defaults);
	        this.appearance = this.convertValues(source["appearance"], Appearance);
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	export class SettingsView {
	    settings: Settings;
	    report: LoadReport;
	    presets: Preset[];
	    keys: Record<string, KeyStatus>;
	    keyStorage: KeyStorage;
	
	    static createFrom(source: any = {}) {
	        return new SettingsView(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.settings = this.convertValues(source["settings"], Settings);
	        this.report = this.convertValues(source["report"], LoadReport);
	        this.presets = this.convertValues(source["presets"], Preset);
	        this.keys = this.convertValues(source["keys"], KeyStatus, true);
	        this.keyStorage = this.convertValues(source["keyStorage"], KeyStorage);
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	export class Snapshot {
	    streamId: string;
	    conversationId: string;
	    messageId: string;
	    seq: number;
	    content: string;
	    reasoning: string;
	    status: string;
	    error?: ErrorInfo;
	
	    static createFrom(source: any = {}) {
	        return new Snapshot(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.streamId = source["streamId"];
	        this.conversationId = source["conversationId"];
	        this.messageId = source["messageId"];
	        this.seq = source["seq"];
	        this.content = source["content"];
	        this.reasoning = source["reasoning"];
	        this.status = source["status"];
	        this.error = this.convertValues(source["error"], ErrorInfo);
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	export class Started {
	    streamId: string;
	    event: string;
	    conversationId: string;
	    userMessageId: string;
	    assistantMessageId: string;
	
	    static createFrom(source: any = {}) {
	        return new Started(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.streamId = source["streamId"];
	        this.event = source["event"];
	        this.conversationId = source["conversationId"];
	        this.userMessageId = source["userMessageId"];
	        this.assistantMessageId = source["assistantMessageId"];
	    }
	}
	
	

}

