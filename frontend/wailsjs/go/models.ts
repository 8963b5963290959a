export namespace chat {
	
	export class Snapshot {
	    streamId: string;
	    conversationId: string;
	    messageId: string;
	    seq: number;
	    content: string;
	    reasoning: string;
	    status: string;
	    error?: conversation.ErrorInfo;
	
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
	        this.error = this.convertValues(source["error"], conversation.ErrorInfo);
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

export namespace conversation {
	
	export class ErrorInfo {
	    message: string;
	    kind?: string;
	    status?: number;
	    request_id?: string;
	    retryable?: boolean;
	
	    static createFrom(source: any = {}) {
	        return new ErrorInfo(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.message = source["message"];
	        this.kind = source["kind"];
	        this.status = source["status"];
	        this.request_id = source["request_id"];
	        this.retryable = source["retryable"];
	    }
	}
	export class Params {
	    temperature?: number;
	    top_p?: number;
	    max_tokens?: number;
	    presence_penalty?: number;
	    frequency_penalty?: number;
	    max_loops?: number;
	
	    static createFrom(source: any = {}) {
	        return new Params(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.temperature = source["temperature"];
	        this.top_p = source["top_p"];
	        this.max_tokens = source["max_tokens"];
	        this.presence_penalty = source["presence_penalty"];
	        this.frequency_penalty = source["frequency_penalty"];
	        this.max_loops = source["max_loops"];
	    }
	}
	export class Timing {
	    first_token_ms?: number;
	    total_ms?: number;
	
	    static createFrom(source: any = {}) {
	        return new Timing(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.first_token_ms = source["first_token_ms"];
	        this.total_ms = source["total_ms"];
	    }
	}
	export class Usage {
	    prompt_tokens: number;
	    completion_tokens: number;
	    total_tokens: number;
	
	    static createFrom(source: any = {}) {
	        return new Usage(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.prompt_tokens = source["prompt_tokens"];
	        this.completion_tokens = source["completion_tokens"];
	        this.total_tokens = source["total_tokens"];
	    }
	}

}

export namespace llm {
	
	export class Credits {
	    credit: number;
	    free_credit: number;
	    referral_credits: number;
	    total_credits: number;
	
	    static createFrom(source: any = {}) {
	        return new Credits(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.credit = source["credit"];
	        this.free_credit = source["free_credit"];
	        this.referral_credits = source["referral_credits"];
	        this.total_credits = source["total_credits"];
	    }
	}
	export class RateWindow {
	    count: number;
	    limit: number;
	    exceeded: boolean;
	    remaining: number;
	    reset_time: string;
	
	    static createFrom(source: any = {}) {
	        return new RateWindow(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.count = source["count"];
	        this.limit = source["limit"];
	        this.exceeded = source["exceeded"];
	        this.remaining = source["remaining"];
	        this.reset_time = source["reset_time"];
	    }
	}
	export class RateLimits {
	    Minute: RateWindow;
	    Hour: RateWindow;
	    Day: RateWindow;
	    Tier: string;
	
	    static createFrom(source: any = {}) {
	        return new RateLimits(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.Minute = this.convertValues(source["Minute"], RateWindow);
	        this.Hour = this.convertValues(source["Hour"], RateWindow);
	        this.Day = this.convertValues(source["Day"], RateWindow);
	        this.Tier = source["Tier"];
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

}

export namespace main {
	
	export class AppInfo {
	    name: string;
	    version: string;
	
	    static createFrom(source: any = {}) {
	        return new AppInfo(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.name = source["name"];
	        this.version = source["version"];
	    }
	}
	export class ConversationOptions {
	    providerId: string;
	    model: string;
	    systemPrompt?: string;
	    params: conversation.Params;
	
	    static createFrom(source: any = {}) {
	        return new ConversationOptions(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.providerId = source["providerId"];
	        this.model = source["model"];
	        this.systemPrompt = source["systemPrompt"];
	        this.params = this.convertValues(source["params"], conversation.Params);
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
	export class ConversationPage {
	    items: store.Summary[];
	    total: number;
	    more: boolean;
	
	    static createFrom(source: any = {}) {
	        return new ConversationPage(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.items = this.convertValues(source["items"], store.Summary);
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
	export class MessageView {
	    id: string;
	    parentId: string;
	    role: string;
	    content: string;
	    reasoning: string;
	    status: string;
	    error?: conversation.ErrorInfo;
	    finishReason?: string;
	    usage?: conversation.Usage;
	    timing?: conversation.Timing;
	    model?: string;
	    createdAt: string;
	    alternatives: string[];
	    alternative: number;
	    continuable: boolean;
	
	    static createFrom(source: any = {}) {
	        return new MessageView(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.id = source["id"];
	        this.parentId = source["parentId"];
	        this.role = source["role"];
	        this.content = source["content"];
	        this.reasoning = source["reasoning"];
	        this.status = source["status"];
	        this.error = this.convertValues(source["error"], conversation.ErrorInfo);
	        this.finishReason = source["finishReason"];
	        this.usage = this.convertValues(source["usage"], conversation.Usage);
	        this.timing = this.convertValues(source["timing"], conversation.Timing);
	        this.model = source["model"];
	        this.createdAt = source["createdAt"];
	        this.alternatives = source["alternatives"];
	        this.alternative = source["alternative"];
	        this.continuable = source["continuable"];
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
	export class ConversationView {
	    id: string;
	    title: string;
	    createdAt: string;
	    updatedAt: string;
	    pinned: boolean;
	    archived: boolean;
	    providerId: string;
	    model: string;
	    systemPrompt?: string;
	    params: conversation.Params;
	    messages: MessageView[];
	
	    static createFrom(source: any = {}) {
	        return new ConversationView(source);
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
	        this.params = this.convertValues(source["params"], conversation.Params);
	        this.messages = this.convertValues(source["messages"], MessageView);
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
	export class ImportResult {
	    chosen: boolean;
	    result: transfer.Result;
	
	    static createFrom(source: any = {}) {
	        return new ImportResult(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.chosen = source["chosen"];
	        this.result = this.convertValues(source["result"], transfer.Result);
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
	    items: store.Hit[];
	    total: number;
	    more: boolean;
	    capped: boolean;
	
	    static createFrom(source: any = {}) {
	        return new SearchPage(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.items = this.convertValues(source["items"], store.Hit);
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
	export class SettingsView {
	    settings: settings.Settings;
	    report: settings.LoadReport;
	    presets: settings.PresetInfo[];
	    keys: Record<string, secrets.Status>;
	
	    static createFrom(source: any = {}) {
	        return new SettingsView(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.settings = this.convertValues(source["settings"], settings.Settings);
	        this.report = this.convertValues(source["report"], settings.LoadReport);
	        this.presets = this.convertValues(source["presets"], settings.PresetInfo);
	        this.keys = this.convertValues(source["keys"], secrets.Status, true);
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

}

export namespace secrets {
	
	export class Status {
	    set: boolean;
	    source: string;
	    envVar?: string;
	    hint?: string;
	    sessionOnly: boolean;
	    reason?: string;
	
	    static createFrom(source: any = {}) {
	        return new Status(source);
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

}

export namespace settings {
	
	export class Appearance {
	    theme: string;
	    font_size: number;
	
	    static createFrom(source: any = {}) {
	        return new Appearance(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.theme = source["theme"];
	        this.font_size = source["font_size"];
	    }
	}
	export class Defaults {
	    provider_id: string;
	    model?: string;
	    temperature?: number;
	    top_p?: number;
	    max_tokens?: number;
	    presence_penalty?: number;
	    frequency_penalty?: number;
	    max_loops?: number;
	    system_prompt?: string;
	    history_limit: number;
	    stream: boolean;
	
	    static createFrom(source: any = {}) {
	        return new Defaults(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.provider_id = source["provider_id"];
	        this.model = source["model"];
	        this.temperature = source["temperature"];
	        this.top_p = source["top_p"];
	        this.max_tokens = source["max_tokens"];
	        this.presence_penalty = source["presence_penalty"];
	        this.frequency_penalty = source["frequency_penalty"];
	        this.max_loops = source["max_loops"];
	        this.system_prompt = source["system_prompt"];
	        this.history_limit = source["history_limit"];
	        this.stream = source["stream"];
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
	export class LoadReport {
	    missing: boolean;
	    corruptPath?: string;
	    corruptReason?: string;
	    migratedFrom: number;
	    backupPath?: string;
	    newerVersion: boolean;
	    problems?: FieldError[];
	    notes?: string[];
	
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
	export class PresetInfo {
	    preset: string;
	    id: string;
	    name: string;
	    base_url: string;
	    auth: string;
	    supports_max_loops: boolean;
	
	    static createFrom(source: any = {}) {
	        return new PresetInfo(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.preset = source["preset"];
	        this.id = source["id"];
	        this.name = source["name"];
	        this.base_url = source["base_url"];
	        this.auth = source["auth"];
	        this.supports_max_loops = source["supports_max_loops"];
	    }
	}
	export class Provider {
	    id: string;
	    name: string;
	    preset: string;
	    base_url: string;
	    auth: string;
	    headers?: Record<string, string>;
	    extra_body?: Record<string, Array<number>>;
	    models?: string[];
	    // Go type: time
	    models_fetched_at: any;
	    default_model?: string;
	    supports_max_loops?: boolean;
	
	    static createFrom(source: any = {}) {
	        return new Provider(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.id = source["id"];
	        this.name = source["name"];
	        this.preset = source["preset"];
	        this.base_url = source["base_url"];
	        this.auth = source["auth"];
	        this.headers = source["headers"];
	        this.extra_body = source["extra_body"];
	        this.models = source["models"];
	        this.models_fetched_at = this.convertValues(source["models_fetched_at"], null);
	        this.default_model = source["default_model"];
	        this.supports_max_loops = source["supports_max_loops"];
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
	    version: number;
	    providers: Provider[];
	    defaults: Defaults;
	    appearance: Appearance;
	
	    static createFrom(source: any = {}) {
	        return new Settings(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.version = source["version"];
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

}

export namespace store {
	
	export class Segment {
	    Text: string;
	    Match: boolean;
	
	    static createFrom(source: any = {}) {
	        return new Segment(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.Text = source["Text"];
	        this.Match = source["Match"];
	    }
	}
	export class Hit {
	    ID: string;
	    Title: string;
	    // Go type: time
	    CreatedAt: any;
	    // Go type: time
	    UpdatedAt: any;
	    Pinned: boolean;
	    Archived: boolean;
	    ProviderID: string;
	    Model: string;
	    MessageCount: number;
	    Preview: string;
	    MessageID: string;
	    Snippet: Segment[];
	
	    static createFrom(source: any = {}) {
	        return new Hit(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.ID = source["ID"];
	        this.Title = source["Title"];
	        this.CreatedAt = this.convertValues(source["CreatedAt"], null);
	        this.UpdatedAt = this.convertValues(source["UpdatedAt"], null);
	        this.Pinned = source["Pinned"];
	        this.Archived = source["Archived"];
	        this.ProviderID = source["ProviderID"];
	        this.Model = source["Model"];
	        this.MessageCount = source["MessageCount"];
	        this.Preview = source["Preview"];
	        this.MessageID = source["MessageID"];
	        this.Snippet = this.convertValues(source["Snippet"], Segment);
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
	    ID: string;
	    Title: string;
	    // Go type: time
	    CreatedAt: any;
	    // Go type: time
	    UpdatedAt: any;
	    Pinned: boolean;
	    Archived: boolean;
	    ProviderID: string;
	    Model: string;
	    MessageCount: number;
	    Preview: string;
	
	    static createFrom(source: any = {}) {
	        return new Summary(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.ID = source["ID"];
	        this.Title = source["Title"];
	        this.CreatedAt = this.convertValues(source["CreatedAt"], null);
	        this.UpdatedAt = this.convertValues(source["UpdatedAt"], null);
	        this.Pinned = source["Pinned"];
	        this.Archived = source["Archived"];
	        this.ProviderID = source["ProviderID"];
	        this.Model = source["Model"];
	        this.MessageCount = source["MessageCount"];
	        this.Preview = source["Preview"];
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

}

export namespace transfer {
	
	export class Item {
	    ID: string;
	    Title: string;
	    Source: string;
	    Messages: number;
	    Notes: string[];
	    Replaced: boolean;
	
	    static createFrom(source: any = {}) {
	        return new Item(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.ID = source["ID"];
	        this.Title = source["Title"];
	        this.Source = source["Source"];
	        this.Messages = source["Messages"];
	        this.Notes = source["Notes"];
	        this.Replaced = source["Replaced"];
	    }
	}
	export class Skip {
	    Source: string;
	    Index: number;
	    Title: string;
	    Reason: string;
	
	    static createFrom(source: any = {}) {
	        return new Skip(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.Source = source["Source"];
	        this.Index = source["Index"];
	        this.Title = source["Title"];
	        this.Reason = source["Reason"];
	    }
	}
	export class Result {
	    Kind: string;
	    Imported: Item[];
	    Skipped: Skip[];
	    MoreSkipped: number;
	    Ignored: number;
	    AlreadyImported: number;
	    Attachments: number;
	    Notes: string[];
	
	    static createFrom(source: any = {}) {
	        return new Result(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.Kind = source["Kind"];
	        this.Imported = this.convertValues(source["Imported"], Item);
	        this.Skipped = this.convertValues(source["Skipped"], Skip);
	        this.MoreSkipped = source["MoreSkipped"];
	        this.Ignored = source["Ignored"];
	        this.AlreadyImported = source["AlreadyImported"];
	        this.Attachments = source["Attachments"];
	        this.Notes = source["Notes"];
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

}

