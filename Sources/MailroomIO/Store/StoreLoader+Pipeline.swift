import Foundation
import Logging

extension StoreLoader {
    /// A loader for a pipeline's store (`store:`, default `crm.sqlite` beside the pipeline file), created and
    /// migrated on first use, with the pipeline's `createContacts`.
    public static func forPipeline(_ pipeline: LoadedPipeline, batchSize: Int = LoadOptions.sqliteBatchSize,
                                   fault: FaultHook = .process,
                                   logger: Logger = Logger(label: "mailroom.store")) throws -> StoreLoader {
        let store = try CRMStore.open(path: CRMStore.path(for: pipeline))
        return StoreLoader(store: store, options: LoadOptions(createContacts: pipeline.config.createContacts,
                                                              batchSize: batchSize), fault: fault, logger: logger)
    }
}

extension LoadSummary {
    /// The counts, by name, for a run manifest or report.
    public var counts: [String: Int] {
        ["contacts": contacts, "threads": threads, "messages": messages, "copies": copies, "links": links,
         "ambiguousLinks": ambiguousLinks, "contactsCreated": contactsCreated,
         "threadsHeldInternal": threadsHeldInternal]
    }
}
